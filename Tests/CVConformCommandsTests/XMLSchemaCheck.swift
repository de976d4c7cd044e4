import CLibXML2
import Foundation

/// Validates an XML file against an XSD with libxml2 (as `xmllint --schema`
/// does); returns the problems, empty when valid.
func xsdProblems(file: String, schema: String) -> [String] {
    guard let parser = xmlSchemaNewParserCtxt(schema) else { return ["cannot read \(schema)"] }
    defer { xmlSchemaFreeParserCtxt(parser) }
    guard let compiled = xmlSchemaParse(parser) else { return ["cannot parse \(schema)"] }
    defer { xmlSchemaFree(compiled) }
    guard let validator = xmlSchemaNewValidCtxt(compiled) else { return ["cannot validate"] }
    defer { xmlSchemaFreeValidCtxt(validator) }
    final class Box { var items: [String] = [] }
    let box = Box()
    xmlSchemaSetValidStructuredErrors(validator, { context, error in
        guard let context, let error else { return }
        let box = Unmanaged<Box>.fromOpaque(context).takeUnretainedValue()
        box.items.append("\(error.pointee.line): " + (error.pointee.message.map { String(cString: $0) } ?? "error"))
    }, Unmanaged.passUnretained(box).toOpaque())
    let status = xmlSchemaValidateFile(validator, file, 0)
    if status != 0 && box.items.isEmpty { box.items.append("invalid (status \(status))") }
    return box.items
}
