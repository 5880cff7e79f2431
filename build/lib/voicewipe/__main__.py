from voicewipe.cli import console_main

console_main()
