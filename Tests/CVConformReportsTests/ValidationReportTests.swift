import Testing
@testable import CVConformModel
@testable import CVConformReports

@Suite("validate's lines: the files in one column")
struct ValidationReportTests {
    @Test("The id column is as wide as the longest id, from 36 up to 64; the file starts at the same place on every line")
    func idColumn() {
        #expect(ValidationReport.idColumn(for: ["login"]) == 36)
        let long = String(repeating: "x", count: 50)
        #expect(ValidationReport.idColumn(for: ["login", long]) == 50)
        #expect(ValidationReport.idColumn(for: [String(repeating: "y", count: 90)]) == 64)
        var short = ValidationResult(file: "a.xml", outcome: .accepted)
        short.id = "login"
        var longer = ValidationResult(file: "b.xml", outcome: .accepted)
        longer.id = long
        let width = ValidationReport.idColumn(for: [short, longer].compactMap(\.id))
        let lines = [short, longer].map { ValidationReport.line($0, idWidth: width) }
        #expect(lines.map { $0.firstRange(of: ".xml")?.lowerBound.utf16Offset(in: $0) } == [lines[1].count - 4, lines[1].count - 4])
    }
}
