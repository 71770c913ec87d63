/// One element of a parsed document: its local name, namespace, attributes, child elements and
/// character data. Comments and processing instructions are not kept.
///
/// A value type: a parsed tree is immutable, `Sendable`, and cheap to pass around.
public struct XMLElement: Sendable, Equatable {
    /// The local name, without prefix (`InvoiceLine` for `cac:InvoiceLine`).
    public var name: String
    /// The namespace URI, empty when the element has none.
    public var namespace: String
    public var attributes: [XMLAttribute]
    public var children: [XMLElement]
    /// The element's character data, concatenated (entities and CDATA resolved).
    public var text: String
    /// The line the start tag is on, for messages.
    public var line: Int

    public init(
        name: String, namespace: String = "", attributes: [XMLAttribute] = [],
        children: [XMLElement] = [], text: String = "", line: Int = 0
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
    }

    /// The value of the unqualified attribute `name`, if present.
    public func attribute(_ name: String) -> String? {
        for attribute in attributes where attribute.name == name && attribute.namespace.isEmpty {
            return attribute.value
        }
        return nil
    }

    /// The first child with this local name and namespace.
    public func child(_ name: String, in namespace: String) -> XMLElement? {
        children.first { $0.name == name && $0.namespace == namespace }
    }
}

public struct XMLAttribute: Sendable, Equatable {
    public var name: String
    public var namespace: String
    public var value: String

    public init(name: String, namespace: String = "", value: String) {
        self.name = name
        self.namespace = namespace
        self.value = value
    }
}
