#ifndef CPREFETCH_H
#define CPREFETCH_H

/// Asks the processor to start loading the cache line at `address`, for
/// reading, without waiting for it (Swift has no such call of its own).
static inline void cvconform_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
