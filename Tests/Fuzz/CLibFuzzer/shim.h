#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver, in the toolchain's compiler-rt (linked by -sanitize=fuzzer): parses libFuzzer's
// flags from argv and calls `callback` with every input until a crash or a limit.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

// LeakSanitizer (in AddressSanitizer's runtime): allocations made between these calls are never
// reported as leaks.
void __lsan_disable(void);
void __lsan_enable(void);
