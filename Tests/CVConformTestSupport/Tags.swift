import Testing

extension Tag {
    /// Runs the built `cvconform` or another program: the command line,
    /// child processes, files and pipes, end to end.
    @Tag public static var endToEnd: Self
    /// Takes seconds of CPU (a search, a load, a state space).
    @Tag public static var slow: Self
    /// Depends on time passing (timeouts, quiet periods, a link's latency);
    /// asserts outcomes, never durations.
    @Tag public static var timing: Self
}
