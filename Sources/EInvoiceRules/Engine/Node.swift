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
        // Compared byte by byte: this runs for every step of every query.
        switch prefix.count {
        case 2 where prefix[0] == 0x63 && prefix[1] == 0x6E: self = .cn  // "cn"
        case 3 where prefix[0] == 0x63 && prefix[1] == 0x62 && prefix[2] == 0x63: self = .cbc  // "cbc"
        case 3 where prefix[0] == 0x63 && prefix[1] == 0x61 && prefix[2] == 0x63: self = .cac  // "cac"
        case 3 where prefix[0] == 0x65 && prefix[1] == 0x78 && prefix[2] == 0x74: self = .ext  // "ext"
        case 3 where prefix[0] == 0x75 && prefix[1] == 0x62 && prefix[2] == 0x6C: self = .ubl  // "ubl"
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
    /// Position in document order (preorder).
    let order: Int
    /// The name's key in ``RuleIndex``, -1 when no rule context ends in it.
    let nameKey: Int
    /// 1-based position among same-named siblings, 0 when it has none (for paths).
    fileprivate(set) var ordinal = 0
    unowned(unsafe) let parent: Node?
    private(set) var children: [Node] = []
    /// The root's index of every element by local name, built on the first `//` query.
    private var byName: [String: [Node]]?
    /// The root's index of the elements carrying each attribute name.
    private var byAttribute: [String: [Node]]?
    private var crViolations: Set<String>?
    /// Per-document answers computed once (``memo(_:_:)``), keyed by the asking call site.
    private var memos: [UnsafeRawPointer: Bool] = [:]

    /// A document-wide yes/no question answered once per document: `key` names the question.
    func memo(_ key: StaticString, _ compute: (Node) -> Bool) -> Bool {
        let root = self.root
        let id = UnsafeRawPointer(key.utf8Start)
        if let answer = root.memos[id] { return answer }
        let answer = compute(root)
        root.memos[id] = answer
        return answer
    }

    /// The UBL-CR rules the document breaks, computed once for the whole catalogue.
    var ublCRViolations: Set<String> {
        let root = self.root
        if let violations = root.crViolations { return violations }
        let violations = UBLCRCheck.shared.violations(in: root)
        root.crViolations = violations
        return violations
    }

    convenience init(root element: XMLElement) {
        var order = 0
        self.init(element, parent: nil, index: 0, order: &order)
    }

    private init(_ element: XMLElement, parent: Node?, index: Int, order: inout Int) {
        self.order = order
        order += 1
        self.nameKey = RuleIndex.keys[element.name] ?? -1
        self.name = element.name
        self.namespace = Namespace(uri: element.namespace)
        self.text = element.text
        self.attributes = element.attributes
        self.line = element.line
        self.index = index
        self.parent = parent
        children.reserveCapacity(element.children.count)
        var seen: [String: Int] = [:]
        for (position, child) in element.children.enumerated() {
            let node = Node(child, parent: self, index: position, order: &order)
            let count = (seen[child.name] ?? 0) + 1
            seen[child.name] = count
            node.ordinal = count
            children.append(node)
        }
        for child in children where seen[child.name] == 1 { child.ordinal = 0 }
    }

    /// Every element of the document with this local name, in document order.
    func elements(named name: String) -> [Node] {
        let root = self.root
        if root.byName == nil {
            var index: [String: [Node]] = [:]
            root.walk { node in
                index[node.name, default: []].append(node)
                return true
            }
            root.byName = index
        }
        return root.byName?[name] ?? []
    }

    /// Every element of the document that has attribute `name`, in document order.
    func elements(withAttribute name: String) -> [Node] {
        let root = self.root
        if root.byAttribute == nil {
            var index: [String: [Node]] = [:]
            root.walk { node in
                for attribute in node.attributes where attribute.namespace.isEmpty {
                    index[attribute.name, default: []].append(node)
                }
                return true
            }
            root.byAttribute = index
        }
        return root.byAttribute?[name] ?? []
    }

    /// Every element of the document, in document order.
    var allElements: [Node] {
        var result: [Node] = []
        root.walk { result.append($0); return true }
        return result
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

    /// A leaf with nothing but white space: `not(*) and not(normalize-space())`, without building strings.
    var isEmptyLeaf: Bool {
        children.isEmpty && text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }

    /// The local name ends with `suffix` (compared as bytes).
    func nameEnds(with suffix: StaticString) -> Bool {
        suffix.withUTF8Buffer { suffix in
            let utf8 = name.utf8
            return utf8.count >= suffix.count && utf8.suffix(suffix.count).elementsEqual(suffix)
        }
    }

    /// `/Invoice/cac:InvoiceLine[2]/cbc:ID`: prefixes as UBL writes them, positions among
    /// same-named siblings.
    var path: String {
        guard let parent else { return "/" + name }
        let step = namespace.prefix + name
        return parent.path + "/" + step + (ordinal > 0 ? "[\(ordinal)]" : "")
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
