// Everything shared with the other test targets (the repository's root,
// the built executables, running cvconform, temporary folders, JSON files)
// is in Tests/CVConformTestSupport; re-exported so each test file here has it.
@_exported import CVConformTestSupport
