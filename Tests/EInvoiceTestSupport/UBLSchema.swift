import CLibXML2
import Foundation
import Synchronization

/// Validates bytes against the official UBL 2.1 XSDs (`../shared/reference/ubl-2.1-xsd`) with
/// libxml2's schema validator. Test-only: it loads the schema files from disk.
public final class UBLSchema: Sendable {
    public static let invoice = UBLSchema(file: "UBL-Invoice-2.1.xsd")
    public static let creditNote = UBLSchema(file: "UBL-CreditNote-2.1.xsd")

    public static func forRoot(_ root: String) -> UBLSchema { root == "CreditNote" ? creditNote : invoice }

    private let file: String
    /// libxml2 schema objects are not safe to share between threads while validating.
    private let lock = Mutex<OpaquePointer?>(nil)

    private init(file: String) {
        self.file = file
    }

    /// The schema errors, empty when the document is valid.
    public func errors(in bytes: [UInt8]) -> [String] {
        lock.withLock { schema -> [String] in
            if schema == nil {
                let path = Corpus.sharedFolder.appendingPathComponent("reference/ubl-2.1-xsd/maindoc/\(file)").path
                let parser = xmlSchemaNewParserCtxt(path)
                schema = xmlSchemaParse(parser)
                xmlSchemaFreeParserCtxt(parser)
            }
            guard let schema else { return ["the schema \(file) could not be loaded"] }
            guard let document = bytes.withUnsafeBufferPointer({ buffer in
                buffer.withMemoryRebound(to: CChar.self) {
                    xmlReadMemory($0.baseAddress, Int32($0.count), nil, nil, Int32(XML_PARSE_NONET.rawValue))
                }
            }) else { return ["not well-formed"] }
            defer { xmlFreeDoc(document) }
            let context = xmlSchemaNewValidCtxt(schema)
            defer { xmlSchemaFreeValidCtxt(context) }
            let collector = ErrorCollector()
            xmlSchemaSetValidStructuredErrors(context, { userData, error in
                guard let userData, let error else { return }
                let collector = Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
                let message = error.pointee.message.map { String(cString: $0) } ?? "schema error"
                collector.messages.append("line \(error.pointee.line): \(message.trimmingCharacters(in: .newlines))")
            }, Unmanaged.passUnretained(collector).toOpaque())
            let result = xmlSchemaValidateDoc(context, document)
            if result != 0 && collector.messages.isEmpty { return ["schema validation failed (\(result))"] }
            return collector.messages
        }
    }
}

private final class ErrorCollector {
    var messages: [String] = []
}
