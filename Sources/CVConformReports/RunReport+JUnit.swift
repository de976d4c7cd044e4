import CVConformHarness
import CVConformJSON
import CVConformTrace

extension RunReport {
    /// JUnit XML (as Jenkins and GitLab read it; valid by Jenkins'
    /// junit-10.xsd): one testsuite, a testcase per trace named by its id
    /// and classed by its folder, each with its `time` in seconds (the
    /// suite's is the run's wall-clock time); failure, error and skipped as
    /// JUnit has them; the shard as a property.
    package func junit() -> String {
        let failures = count(Status.fail) + count(Status.unexpectedPass)
        let errors = count(Status.error)
        let skipped = count(Status.skip) + count(Status.expectedFail)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites>\n"
        out += "  <testsuite name=\"cvconform: \(escape(implementation))\" tests=\"\(results.count)\" failures=\"\(failures)\" "
        out += "errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"\(Self.seconds(totalDuration))\">\n"
        if let shard {
            out += "    <properties><property name=\"shard\" value=\"\(shard)\"/></properties>\n"
        }
        for result in results {
            out += "    <testcase name=\"\(escape(result.id))\" classname=\"\(escape(Self.className(result.file)))\" "
            out += "time=\"\(Self.seconds(result.duration))\""
            let note = expectationNote(result)
            switch status(of: result) {
            case .pass:
                out += "/>\n"
            case .skip, .expectedFail:
                let message = [note, result.detail.isEmpty ? nil : result.detail].compactMap { $0 }.joined(separator: "; ")
                out += ">\n      <skipped message=\"\(escape(message))\"/>\n    </testcase>\n"
            case .fail, .error, .unexpectedPass:
                let element = result.verdict == .error ? "error" : "failure"
                let message = status(of: result) == .unexpectedPass ? "unexpected pass: " + (note ?? "") : result.detail
                out += ">\n      <\(element) message=\"\(escape(message))\" type=\"\(status(of: result).rawValue)\">"
                out += escape(Self.details(result).joined(separator: "\n"))
                out += "</\(element)>\n"
                let log = (result.startupLog.isEmpty ? [] : ["(start-up, before the first reset:)"] + result.startupLog
                           + ["(since this trace's reset:)"]) + result.log
                if !result.log.isEmpty || !result.startupLog.isEmpty {
                    out += "      <system-err>\(escape(log.joined(separator: "\n")))</system-err>\n"
                }
                out += "    </testcase>\n"
            }
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    /// Seconds with three decimals, as JUnit readers expect (`0.125`).
    static func seconds(_ duration: Duration) -> String { JSONNumber(seconds: duration).literal }

    static func className(_ file: String) -> String {
        let parts = file.split(separator: "/").dropLast()
        return parts.isEmpty ? "traces" : parts.joined(separator: ".")
    }

    /// XML-escaped, and characters XML 1.0 cannot hold at all (control
    /// characters such as the ESC of a coloured log line, U+FFFE, U+FFFF)
    /// written as `\u{1B}`, so the file stays valid whatever the
    /// implementation logged.
    private func escape(_ text: String) -> String {
        var out = ""
        for scalar in TraceWriter.escape(text).unicodeScalars {
            let value = scalar.value
            if (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) || value == 0xFFFE || value == 0xFFFF {
                out += "\\u{" + String(value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
