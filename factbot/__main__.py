from factbot.cli import main

main(prog_name="factbot")
