from vstar_cli.cli import main

# Guarded: decode worker processes import the main module and must not rerun the command.
if __name__ == "__main__":
    main()
