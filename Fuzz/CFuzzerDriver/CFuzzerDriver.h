// libFuzzer's driver, which ships with the Swift toolchain's clang runtime
// (libclang_rt.fuzzer). Only declared here: `-sanitize=fuzzer` links it.
#ifndef CFUZZERDRIVER_H
#define CFUZZERDRIVER_H

#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer with the process's arguments, calling `callback` with
/// each input; returns the exit status.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
