from yaoan.cli import main

main()
