extension JSONValue {
    /// Reads one JSON document (RFC 8259; nothing but white space after it).
    public init(parsing text: String, maxDepth: Int = JSONReader.depthLimit) throws(JSONError) {
        self = try JSONReader.withReader(text, maxDepth: maxDepth) { (reader: inout JSONReader) throws(JSONError) in
            try reader.readDocument()
        }
    }

    /// Reads one JSON document from UTF-8 bytes.
    public init(parsing bytes: [UInt8], maxDepth: Int = JSONReader.depthLimit) throws(JSONError) {
        self = try JSONReader.withReader(bytes, maxDepth: maxDepth) { (reader: inout JSONReader) throws(JSONError) in
            try reader.readDocument()
        }
    }
}
