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
        var text = ""
        text.reserveCapacity(4096)
        write(into: &text, prefixes: prefixes, declarations: declarations)
        return text
    }

    private func write(into text: inout String, prefixes: [String: String], declarations: String = "") {
        let name = qualified(name, namespace, prefixes, isAttribute: false)
        text += "<" + name + declarations
        for attribute in attributes {
            text += " " + qualified(attribute.name, attribute.namespace, prefixes, isAttribute: true) + "=\""
            text += XMLElement.escaped(attribute.value, quotes: true) + "\""
        }
        if children.isEmpty && self.text.isEmpty {
            text += "/>"
            return
        }
        text += ">"
        if children.isEmpty {
            text += XMLElement.escaped(self.text, quotes: false)
        } else {
            for child in children { child.write(into: &text, prefixes: prefixes) }
        }
        text += "</" + name + ">"
    }

    private func qualified(_ local: String, _ uri: String, _ prefixes: [String: String], isAttribute: Bool) -> String {
        if uri.isEmpty { return local }
        if uri == XMLElement.xmlNamespace { return "xml:" + local }
        if let prefix = prefixes[uri] { return prefix + ":" + local }
        return local  // the root's namespace, declared as the default one
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
