from mnkbib.cli import main

main()
