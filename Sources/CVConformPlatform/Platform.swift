// The C library, whichever this platform has: every other module imports
// this one instead of Glibc or Darwin, so the package builds on Linux and
// macOS alike.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#elseif canImport(Darwin)
@_exported import Darwin
#endif

/// `SOCK_STREAM` as `socket` takes it (an enum on Glibc, an Int32 elsewhere).
#if canImport(Glibc)
public let streamSocket = Int32(SOCK_STREAM.rawValue)
#else
public let streamSocket = SOCK_STREAM
#endif
