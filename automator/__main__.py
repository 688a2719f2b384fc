from automator.cli import main

main()
