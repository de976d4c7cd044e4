import CVConformCommands

await CVConform.runMain()
