from vstar_cli.cli import main

main()
