import EInvoice
import HardenedXML

/// The namespaces rules name by prefix, as the official Schematron binds them.
enum Namespace: UInt8, Sendable {
    case other, cbc, cac, ext, ubl, cn

    init(uri: String) {
        switch uri {
        case UBLNamespace.cbc: self = .cbc
        case UBLNamespace.cac: self = .cac
        case UBLNamespace.ext: self = .ext
        case UBLNamespace.invoice: self = .ubl
        case UBLNamespace.creditNote: self = .cn
        default: self = .other
        }
    }

    init?(prefix: UnsafeRawBufferPointer) {
        switch Array(prefix) {
        case Array("cbc".utf8): self = .cbc
        case Array("cac".utf8): self = .cac
        case Array("ext".utf8): self = .ext
        case Array("ubl".utf8): self = .ubl
        case Array("cn".utf8): self = .cn
        default: return nil
        }
    }

    var prefix: String {
        switch self {
        case .cbc: "cbc:"
        case .cac: "cac:"
        case .ext: "ext:"
        case .ubl, .cn, .other: ""
        }
    }
}

/// An element of the document under validation, with its parent: the rules walk up as well as
/// down. Built once per validation from the hardened reader's tree.
final class Node {
    let name: String
    let namespace: Namespace
    let text: String
    let attributes: [XMLAttribute]
    let line: Int
    /// Position among its parent's children.
    let index: Int
    unowned(unsafe) let parent: Node?
    private(set) var children: [Node] = []

    init(_ element: XMLElement, parent: Node?, index: Int) {
        self.name = element.name
        self.namespace = Namespace(uri: element.namespace)
        self.text = element.text
        self.attributes = element.attributes
        self.line = element.line
        self.index = index
        self.parent = parent
        children.reserveCapacity(element.children.count)
        for (position, child) in element.children.enumerated() {
            children.append(Node(child, parent: self, index: position))
        }
    }

    var isRoot: Bool { parent == nil }

    var root: Node {
        var node = self
        while let parent = node.parent { node = parent }
        return node
    }

    func attribute(_ name: String) -> String? {
        for attribute in attributes where attribute.name == name && attribute.namespace.isEmpty {
            return attribute.value
        }
        return nil
    }

    func hasAttribute(_ name: String) -> Bool { attribute(name) != nil }

    /// The XPath string value: the text of a leaf, all descendant text of an aggregate.
    var stringValue: String {
        if children.isEmpty { return text }
        var result = text
        for child in children { result += child.stringValue }
        return result
    }

    /// `normalize-space(.)`.
    var normalized: String { stringValue.normalizedSpace }

    /// `/Invoice/cac:InvoiceLine[2]/cbc:ID`: prefixes as UBL writes them, positions among
    /// same-named siblings.
    var path: String {
        guard let parent else { return "/" + name }
        let same = parent.children.filter { $0.name == name && $0.namespace == namespace }
        let step = namespace.prefix + name
        if same.count > 1, let position = same.firstIndex(where: { $0 === self }) {
            return parent.path + "/" + step + "[\(position + 1)]"
        }
        return parent.path + "/" + step
    }

    /// Visits this node and every descendant in document order; stop by returning false.
    @discardableResult
    func walk(_ visit: (Node) -> Bool) -> Bool {
        if !visit(self) { return false }
        for child in children where !child.walk(visit) { return false }
        return true
    }

    func isNamed(_ namespace: Namespace, _ name: String) -> Bool {
        self.namespace == namespace && self.name == name
    }
}

extension StringProtocol {
    /// XPath `normalize-space()`: trimmed, inner runs of white space collapsed to one space.
    var normalizedSpace: String {
        var result = ""
        var pendingSpace = false
        for scalar in unicodeScalars {
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
