extension XMLElement {
    /// This element and its descendants as XML text without a prolog. Every namespace the tree
    /// uses is declared once, on this element: its own as the default namespace, the UBL ones
    /// with their usual prefixes (`cbc`, `cac`, `ext`), any other as `ns1`, `ns2`, ….
    public func serializedXML() -> String {
        var prefixes: [String: String] = [:]
        var declarations = namespace.isEmpty ? "" : " xmlns=\"" + XMLElement.escaped(namespace, quotes: true) + "\""
        var generated = 0
        func collect(_ element: XMLElement) {
            for attribute in element.attributes { declare(attribute.namespace, forAttribute: true) }
            declare(element.namespace, forAttribute: false)
            for child in element.children { collect(child) }
        }
        func declare(_ uri: String, forAttribute: Bool) {
            guard !uri.isEmpty, uri != XMLElement.xmlNamespace, prefixes[uri] == nil else { return }
            if !forAttribute && uri == namespace { return }
            let prefix: String
            if let known = XMLElement.wellKnownPrefixes[uri] {
                prefix = known
            } else {
                generated += 1
                prefix = "ns\(generated)"
            }
            prefixes[uri] = prefix
            declarations += " xmlns:" + prefix + "=\"" + XMLElement.escaped(uri, quotes: true) + "\""
        }
        collect(self)
        var writer = Writer(prefixes: prefixes)
        writer.bytes.reserveCapacity(4096)
        writer.write(self, declarations: declarations)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Appends UTF-8 bytes; the prefix of the last namespace looked up is remembered, as
    /// neighbouring elements mostly share theirs.
    private struct Writer {
        let prefixes: [String: String]
        var bytes: [UInt8] = []
        var lastURI = ""
        var lastPrefix: String? = nil

        init(prefixes: [String: String]) { self.prefixes = prefixes }

        mutating func prefix(for uri: String) -> String? {
            if uri.isEmpty { return nil }
            if uri == lastURI { return lastPrefix }
            let prefix = uri == XMLElement.xmlNamespace ? "xml" : prefixes[uri]
            lastURI = uri
            lastPrefix = prefix
            return prefix
        }

        mutating func name(_ local: String, _ uri: String) {
            if let prefix = prefix(for: uri) {
                bytes.append(contentsOf: prefix.utf8)
                bytes.append(UInt8(ascii: ":"))
            }
            bytes.append(contentsOf: local.utf8)
        }

        mutating func escaped(_ value: String, quotes: Bool) {
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "&"): bytes.append(contentsOf: "&amp;".utf8)
                case UInt8(ascii: "<"): bytes.append(contentsOf: "&lt;".utf8)
                case UInt8(ascii: ">"): bytes.append(contentsOf: "&gt;".utf8)
                case UInt8(ascii: "\"") where quotes: bytes.append(contentsOf: "&quot;".utf8)
                default: bytes.append(byte)
                }
            }
        }

        mutating func write(_ element: XMLElement, declarations: String = "") {
            bytes.append(UInt8(ascii: "<"))
            name(element.name, element.namespace)
            bytes.append(contentsOf: declarations.utf8)
            for attribute in element.attributes {
                bytes.append(UInt8(ascii: " "))
                name(attribute.name, attribute.namespace)
                bytes.append(contentsOf: "=\"".utf8)
                escaped(attribute.value, quotes: true)
                bytes.append(UInt8(ascii: "\""))
            }
            if element.children.isEmpty && element.text.isEmpty {
                bytes.append(contentsOf: "/>".utf8)
                return
            }
            bytes.append(UInt8(ascii: ">"))
            if element.children.isEmpty {
                escaped(element.text, quotes: false)
            } else {
                for child in element.children { write(child) }
            }
            bytes.append(contentsOf: "</".utf8)
            name(element.name, element.namespace)
            bytes.append(UInt8(ascii: ">"))
        }
    }

    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"
    static let wellKnownPrefixes: [String: String] = [
        "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc",
        "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac",
        "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2": "ext",
        "http://www.w3.org/2001/XMLSchema-instance": "xsi",
        "http://www.w3.org/2000/09/xmldsig#": "ds",
    ]

    /// `value` with `&`, `<`, `>` (and `"` when `quotes`) as entity references.
    public static func escaped(_ value: String, quotes: Bool) -> String {
        guard value.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || (quotes && $0 == 0x22) })
        else { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count + 16)
        for character in value.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
