import HardenedXML

extension HardenedXML.XMLElement {
    /// The value of attribute `name` in `namespace` (empty for an unqualified one).
    func attribute(_ name: String, in namespace: String) -> String? {
        attributes.first { $0.name == name && $0.namespace == namespace }?.value
    }

    func children(_ name: String, in namespace: String) -> [HardenedXML.XMLElement] {
        children.filter { $0.name == name && $0.namespace == namespace }
    }

    /// The one child with this name; none or several is a malformed message.
    func only(_ name: String, in namespace: String, code: AS4Error.Code = .invalidHeader) throws(AS4Error) -> HardenedXML.XMLElement {
        let found = children(name, in: namespace)
        guard found.count == 1 else {
            throw AS4Error(code, "\(self.name) must hold exactly one \(name), it holds \(found.count)")
        }
        return found[0]
    }

    /// The text of the one child with this name, white space around it removed.
    func value(_ name: String, in namespace: String) throws(AS4Error) -> String {
        let text = try only(name, in: namespace).text.trimmingXMLWhitespace
        guard !text.isEmpty else { throw AS4Error(.invalidHeader, "\(self.name)/\(name) is empty") }
        return text
    }
}
