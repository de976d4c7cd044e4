import CVConformHarness
import CVConformJSON
import CVConformLogs
import CVConformModel

extension LogCheckReport {
    /// One entry of `segments`: the contract's `trace`, `line`, `outcome`,
    /// `at` and `detail` first, then what this project adds (LOG-14).
    package static func json(_ segment: LogSegmentResult) -> JSONValue {
        .object([
            ("trace", .optional(segment.trace)),
            ("line", .integer(segment.line)),
            ("outcome", .string(segment.outcome.rawValue)),
            ("at", .optional(segment.outcome == .rejected ? segment.at : nil)),
            ("detail", .string(segment.detail)),
            ("cell", .optional(segment.outcome == .rejected ? segment.cell : nil)),
            ("cells", .optional(segment.cellCount)),
            ("last_line", .integer(segment.lastLine)),
            ("messages", .integer(segment.messages)),
            ("malformed_at", .optional(segment.malformedAt)),
            ("skipped_lines", .integer(segment.skippedLines)),
            ("violation_count", .integer(segment.violationCount)),
            ("violations", .array(segment.violations.map { violation in
                .object([
                    ("line", .integer(violation.line)),
                    ("cell", .optional(violation.cell)),
                    ("detail", .string(violation.summary)),
                    ("clause", .optional(violation.rejection?.clause?.id)),
                ])
            })),
        ])
    }

    /// The members after `segments`: the whole log's counters.
    package static func jsonTail(_ summary: LogCheckSummary, source: String) -> [(String, JSONValue)] {
        [
            ("file", .string(source)),
            ("lines", .integer(summary.lines)),
            ("messages", .integer(summary.messages)),
            ("summary", .object([
                ("segments", .integer(summary.segments)),
                ("accepted", .integer(summary.accepted)),
                ("incomplete", .integer(summary.incomplete)),
                ("rejected", .integer(summary.rejected)),
                ("malformed", .integer(summary.malformed)),
                ("inconclusive", .integer(summary.inconclusive)),
            ])),
            ("skipped", .object([
                ("count", .integer(summary.skipped.count)),
                ("first", .array(summary.skipped.first.map { .object([("line", .integer($0.number)), ("reason", .string($0.reason))]) })),
            ])),
            ("ignored", .integer(summary.ignored)),
        ]
    }
}
