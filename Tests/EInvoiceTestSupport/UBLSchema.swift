import CLibXML2
import Foundation
import Synchronization

/// Validates bytes against an XML Schema with libxml2's schema validator. Test-only.
public final class XMLSchemaValidator: Sendable {
    public enum Source: Sendable {
        case file(String)
        case text(String)
    }

    private let source: Source
    /// libxml2 schema objects are not safe to share between threads while validating. (NSLock,
    /// a pthread mutex, rather than Synchronization's Mutex: ThreadSanitizer sees the former.)
    private let lock = NSLock()
    private nonisolated(unsafe) var loaded: OpaquePointer?

    public init(_ source: Source) {
        self.source = source
    }

    /// The schema errors, empty when the document is valid.
    public func errors(in bytes: [UInt8]) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return validate(bytes, schema: &loaded)
    }

    private func validate(_ bytes: [UInt8], schema: inout OpaquePointer?) -> [String] {
        do {
            if schema == nil {
                switch source {
                case .file(let path):
                    let parser = xmlSchemaNewParserCtxt(path)
                    schema = xmlSchemaParse(parser)
                    xmlSchemaFreeParserCtxt(parser)
                case .text(let text):
                    // The parser reads the buffer while parsing: parse inside its lifetime.
                    schema = Array(text.utf8).withUnsafeBufferPointer { buffer in
                        buffer.withMemoryRebound(to: CChar.self) { chars in
                            let parser = xmlSchemaNewMemParserCtxt(chars.baseAddress, Int32(chars.count))
                            defer { xmlSchemaFreeParserCtxt(parser) }
                            return xmlSchemaParse(parser)
                        }
                    }
                }
            }
            guard let schema else { return ["the schema could not be loaded"] }
            guard
                let document = bytes.withUnsafeBufferPointer({ buffer in
                    buffer.withMemoryRebound(to: CChar.self) {
                        xmlReadMemory($0.baseAddress, Int32($0.count), nil, nil, Int32(XML_PARSE_NONET.rawValue))
                    }
                })
            else { return ["not well-formed"] }
            defer { xmlFreeDoc(document) }
            let context = xmlSchemaNewValidCtxt(schema)
            defer { xmlSchemaFreeValidCtxt(context) }
            let collector = ErrorCollector()
            xmlSchemaSetValidStructuredErrors(
                context,
                { userData, error in
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

/// The official UBL 2.1 XSDs (`../shared/reference/ubl-2.1-xsd`).
public enum UBLSchema {
    public static let invoice = XMLSchemaValidator(.file(path("UBL-Invoice-2.1.xsd")))
    public static let creditNote = XMLSchemaValidator(.file(path("UBL-CreditNote-2.1.xsd")))

    public static func forRoot(_ root: String) -> XMLSchemaValidator { root == "CreditNote" ? creditNote : invoice }

    private static func path(_ file: String) -> String {
        Corpus.sharedFolder.appendingPathComponent("reference/ubl-2.1-xsd/maindoc/\(file)").path
    }
}

/// The message schema inside the reference WSDL (`../shared/reference/everbinding-v3.wsdl`), for
/// the v3 namespace or, with the namespace swapped, v3.1.
public enum ReferenceWSDLSchema {
    public static func validator(namespace: String) throws -> XMLSchemaValidator {
        let wsdl = try String(
            contentsOf: Corpus.sharedFolder.appendingPathComponent("reference/everbinding-v3.wsdl"), encoding: .utf8)
        guard let start = wsdl.range(of: "<s:schema"), let end = wsdl.range(of: "</s:schema>") else {
            throw CocoaError(.fileReadCorruptFile)
        }
        var schema = String(wsdl[start.lowerBound..<end.upperBound])
        schema = schema.replacingOccurrences(
            of: "<s:schema ",
            with: "<s:schema xmlns:s=\"http://www.w3.org/2001/XMLSchema\" xmlns:tns=\"http://api.everbinding.nl/v3/\" ",
            options: [], range: schema.range(of: "<s:schema "))
        schema = schema.replacingOccurrences(of: "http://api.everbinding.nl/v3/", with: namespace)
        return XMLSchemaValidator(.text(schema))
    }
}

private final class ErrorCollector {
    var messages: [String] = []
}
