import EInvoice
import HardenedXML

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

    /// `prefix:name` as the rule sets write it: the namespace the prefix binds (`.other` for none
    /// or one the rules do not bind) and the local name.
    static func qualifiedName(_ bytes: some Collection<UInt8>) -> (namespace: Namespace, name: String) {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return (.other, String(decoding: bytes, as: UTF8.self)) }
        let namespace = Array(bytes[..<colon]).withUnsafeBytes { Namespace(prefix: $0) } ?? .other
        return (namespace, String(decoding: bytes[bytes.index(after: colon)...], as: UTF8.self))
    }

    /// The namespace's URI; nil for `.other`, which stands for many.
    var uri: String? {
        switch self {
        case .cbc: UBLNamespace.cbc
        case .cac: UBLNamespace.cac
        case .ext: UBLNamespace.ext
        case .ubl: UBLNamespace.invoice
        case .cn: UBLNamespace.creditNote
        case .other: nil
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

/// The per-element buffers of a ``DocumentTree``, reachable from every ``Node`` without going
/// through the (reference-counted) tree object.
struct TreeLayout {
    /// Per element: name id, namespace, parent (-1 for the root), position among siblings,
    /// 1-based position among same-named siblings (0 when alone), line, rule-index key.
    let nameIDs: UnsafeMutablePointer<Int32>
    let namespaces: UnsafeMutablePointer<Namespace>
    let parents: UnsafeMutablePointer<Int32>
    let positions: UnsafeMutablePointer<Int32>
    let ordinals: UnsafeMutablePointer<Int32>
    let lines: UnsafeMutablePointer<Int32>
    let nameKeys: UnsafeMutablePointer<Int32>
    /// Per element: its own text is empty or white space only.
    let blankTexts: UnsafeMutablePointer<Bool>
    /// Children of element i are `childList[childStart[i] ..< childStart[i + 1]]`.
    let childStart: UnsafeMutablePointer<Int32>
    let childList: UnsafeMutablePointer<Int32>
    /// UTF-8 of each distinct name, for byte comparison without touching `String`s (filled once
    /// the names are known).
    private(set) var nameBytes: UnsafeMutablePointer<UInt8>
    private(set) var nameOffsets: UnsafeMutablePointer<Int32>

    /// Buffers for `count` elements, to be filled.
    init(capacity count: Int) {
        nameIDs = .allocate(capacity: count)
        namespaces = .allocate(capacity: count)
        parents = .allocate(capacity: count)
        positions = .allocate(capacity: count)
        ordinals = .allocate(capacity: count)
        lines = .allocate(capacity: count)
        nameKeys = .allocate(capacity: count)
        blankTexts = .allocate(capacity: count)
        childStart = .allocate(capacity: count + 1)
        childList = .allocate(capacity: max(count - 1, 1))
        nameBytes = .allocate(capacity: 1)
        nameOffsets = .allocate(capacity: 1)
    }

    mutating func store(names: [String]) {
        nameBytes.deallocate()
        nameOffsets.deallocate()
        nameBytes = .allocate(capacity: max(names.reduce(0) { $0 + $1.utf8.count }, 1))
        nameOffsets = .allocate(capacity: names.count + 1)
        var offset = 0
        for (index, name) in names.enumerated() {
            nameOffsets[index] = Int32(offset)
            for byte in name.utf8 {
                nameBytes[offset] = byte
                offset += 1
            }
        }
        nameOffsets[names.count] = Int32(offset)
    }

    func deallocate() {
        for buffer in [nameIDs, parents, positions, ordinals, lines, nameKeys, childStart, childList, nameOffsets] {
            buffer.deallocate()
        }
        namespaces.deallocate()
        blankTexts.deallocate()
        nameBytes.deallocate()
    }

    /// Whether element `id`'s local name is exactly `bytes`.
    func name(of id: Int32, equals bytes: UnsafeRawBufferPointer) -> Bool {
        let nameID = Int(nameIDs[Int(id)])
        let start = Int(nameOffsets[nameID])
        let length = Int(nameOffsets[nameID + 1]) - start
        guard length == bytes.count else { return false }
        // Names are short: compared here, without a call into libc.
        let name = nameBytes + start
        for index in 0..<length where name[index] != bytes[index] { return false }
        return true
    }

    /// Element `id`'s name ends with `suffix`.
    func name(of id: Int32, endsWith suffix: UnsafeRawBufferPointer) -> Bool {
        let nameID = Int(nameIDs[Int(id)])
        let start = Int(nameOffsets[nameID])
        let length = Int(nameOffsets[nameID + 1]) - start
        guard length >= suffix.count else { return false }
        return memcmp(nameBytes + start + length - suffix.count, suffix.baseAddress!, suffix.count) == 0
    }
}

/// The document under validation, flattened: every element is a number in document order, and
/// what the rules ask of it (name, parent, children, position) sits in plain buffers. Rules
/// navigate with ``Node`` values that copy without reference counting.
final class DocumentTree {
    let count: Int
    private let nameTable: [String: Int32]
    let names: [String]
    let texts: [String]
    let attributes: [[XMLAttribute]]
    /// The namespace URI of each element outside the namespaces ``Namespace`` names.
    let otherNamespaces: [Int32: String]
    /// The per-element buffers (see ``TreeLayout``); the tree owns them.
    let layout: UnsafeMutablePointer<TreeLayout>

    // Caches the rules fill per document.
    /// The elements named by name id n, in document order: `byName[byNameStart[n] ..< byNameStart[n + 1]]`.
    private let byNameStart: [Int32]
    private let byName: [Int32]
    /// The unqualified attribute names of the document, each with the elements that carry it.
    var byAttribute: [String: [Int32]]?
    /// Per UBL-CR catalogue entry, 1 when the document breaks it; filled on first use.
    var ublCRViolations: UnsafeMutablePointer<Bool>?
    var memos: [UnsafeRawPointer: Bool] = [:]
    /// What the first step of a `//…` path literal selects, by the literal's address.
    var anywhere: [UnsafeRawPointer: [Int32]] = [:]
    /// Per element, answers to ``ElementQuestion``s: bit 2q set once question q is answered,
    /// bit 2q + 1 the answer.
    let answers: UnsafeMutablePointer<UInt8>
    /// Per element, `normalize-space(cbc:ID)` once a rule asked for it as a tax category's code.
    let categoryIDs: UnsafeMutablePointer<String?>
    /// The codes (`normalize-space(cbc:ID)`) of the document's VAT-scheme tax categories, once a
    /// rule asked whether the document uses a category.
    var vatCategoryCodes: Set<String>?

    /// The tree of an already parsed document.
    convenience init(_ root: XMLElement) {
        let collector = Collector()
        // Elements are read in place, through pointers into their parents' children buffers:
        // copying an XMLElement would retain and release each of its strings and arrays.
        func feed(_ element: UnsafePointer<XMLElement>) {
            collector.start(
                name: element.pointee.name, namespace: element.pointee.namespace,
                attributes: element.pointee.attributes, line: element.pointee.line)
            element.pointee.children.withUnsafeBufferPointer { children in
                for index in children.indices { feed(children.baseAddress! + index) }
            }
            collector.end(text: element.pointee.text)
        }
        withUnsafePointer(to: root) { feed($0) }
        self.init(collector)
    }

    /// The tree of a document's bytes, read straight into the flat form (no ``XMLElement`` tree
    /// is built, so a large document is held once).
    convenience init(reading bytes: some Collection<UInt8>, with reader: XMLReader) throws(XMLReadError) {
        let collector = Collector()
        try reader.read(bytes, into: collector)
        self.init(collector)
    }

    /// Receives the elements; the state lives in one struct that only the reader's events touch,
    /// one at a time, so its accesses need no run-time exclusivity checks.
    final class Collector: XMLElementSink {
        @exclusivity(unchecked) var collected = Collected()

        func start(name: String, namespace: String, attributes: [XMLAttribute], line: Int) {
            collected.start(name: name, namespace: namespace, attributes: attributes, line: line)
        }

        func end(text: String) { collected.end(text: text) }

        func expect(elements: Int) { collected.reserve(elements) }
    }

    /// The elements of a document as they arrive, numbered in document order.
    struct Collected {
        var names: [String] = []
        var nameTable: [String: Int32] = [:]
        var keyOfName: [Int32] = []
        var seenNames = SameStringCache()
        var seenNamespaces = SameStringCache()
        var nameIDs: [Int32] = []
        var namespaces: [Namespace] = []
        var parents: [Int32] = []
        var positions: [Int32] = []
        var lines: [Int32] = []
        var blankTexts: [Bool] = []
        var texts: [String] = []
        var attributes: [[XMLAttribute]] = []
        var childCounts: [Int32] = []
        /// The namespace URI of each element outside the namespaces ``Namespace`` names.
        var otherNamespaces: [Int32: String] = [:]
        private var open: [Int32] = []

        mutating func start(name: String, namespace namespaceURI: String, attributes: [XMLAttribute], line: Int) {
            let id = Int32(nameIDs.count)
            let nameID: Int32
            if let known = seenNames[name] {
                nameID = known
            } else {
                // Found, or added as the next id, with one hash of the name.
                let next = Int32(names.count)
                nameID = Self.entry(&nameTable[name, default: next])
                if nameID == next {
                    names.append(name)
                    keyOfName.append(Int32(RuleIndex.keys[name] ?? -1))
                }
                seenNames[name] = nameID
            }
            nameIDs.append(nameID)
            let namespace: Namespace
            if let known = seenNamespaces[namespaceURI] {
                namespace = Namespace(rawValue: UInt8(known))!
            } else {
                namespace = Namespace(uri: namespaceURI)
                seenNamespaces[namespaceURI] = Int32(namespace.rawValue)
            }
            namespaces.append(namespace)
            if namespace == .other { otherNamespaces[id] = namespaceURI }
            let parent = open.last ?? -1
            parents.append(parent)
            positions.append(parent >= 0 ? childCounts[Int(parent)] : 0)
            if parent >= 0 { childCounts[Int(parent)] += 1 }
            childCounts.append(0)
            lines.append(Int32(clamping: line))
            blankTexts.append(true)
            texts.append("")
            self.attributes.append(attributes)
            open.append(id)
        }

        /// Reached through `inout`, `table[key, default: value]` is one lookup that also stores
        /// `value` when the key is new.
        private static func entry(_ slot: inout Int32) -> Int32 { slot }

        mutating func reserve(_ count: Int) {
            // A document uses at most a few hundred distinct names: the table is not rehashed
            // as it fills.
            nameTable.reserveCapacity(min(count, 512))
            names.reserveCapacity(min(count, 512))
            keyOfName.reserveCapacity(min(count, 512))
            open.reserveCapacity(64)
            nameIDs.reserveCapacity(count)
            namespaces.reserveCapacity(count)
            parents.reserveCapacity(count)
            positions.reserveCapacity(count)
            childCounts.reserveCapacity(count)
            lines.reserveCapacity(count)
            blankTexts.reserveCapacity(count)
            texts.reserveCapacity(count)
            attributes.reserveCapacity(count)
        }

        mutating func end(text: String) {
            let id = Int(open.removeLast())
            texts[id] = text
            blankTexts[id] = text.utf8.allSatisfy(\.isXMLWhitespace)
        }
    }

    convenience init(_ collector: Collector) {
        // Taken out of the collector, so each array is freed as soon as it is copied.
        let collected = collector.collected
        collector.collected = Collected()
        self.init(collected)
    }

    private init(_ collected: consuming Collected) {
        let total = collected.nameIDs.count
        var layout = TreeLayout(capacity: max(total, 1))
        for id in 0..<total {
            layout.nameIDs[id] = collected.nameIDs[id]
            layout.nameKeys[id] = collected.keyOfName[Int(collected.nameIDs[id])]
        }
        collected.nameIDs = []
        for id in 0..<total { layout.namespaces[id] = collected.namespaces[id] }
        collected.namespaces = []
        for id in 0..<total { layout.parents[id] = collected.parents[id] }
        collected.parents = []
        for id in 0..<total { layout.positions[id] = collected.positions[id] }
        collected.positions = []
        for id in 0..<total { layout.lines[id] = collected.lines[id] }
        collected.lines = []
        for id in 0..<total { layout.blankTexts[id] = collected.blankTexts[id] }
        collected.blankTexts = []
        let names = collected.names

        // Children lists: elements were numbered in document order, so bucketing them by parent
        // keeps each element's children in order.
        var start: Int32 = 0
        for index in 0..<total {
            layout.childStart[index] = start
            start += collected.childCounts[index]
        }
        layout.childStart[total] = start
        var fill = [Int32](repeating: 0, count: total)
        for id in 1..<max(total, 1) {
            let parent = Int(layout.parents[id])
            layout.childList[Int(layout.childStart[parent] + fill[parent])] = Int32(id)
            fill[parent] += 1
        }

        // Positions among same-named siblings, for paths: 0 for an element alone with its name.
        var counts = [Int32](repeating: 0, count: names.count)
        var seen = [Int32](repeating: 0, count: names.count)
        for parent in 0..<total {
            let range = Int(layout.childStart[parent])..<Int(layout.childStart[parent + 1])
            for slot in range { counts[Int(layout.nameIDs[Int(layout.childList[slot])])] += 1 }
            for slot in range {
                let child = Int(layout.childList[slot])
                let name = Int(layout.nameIDs[child])
                if counts[name] > 1 {
                    seen[name] += 1
                    layout.ordinals[child] = seen[name]
                } else {
                    layout.ordinals[child] = 0
                }
            }
            for slot in range {
                let name = Int(layout.nameIDs[Int(layout.childList[slot])])
                counts[name] = 0
                seen[name] = 0
            }
        }
        layout.ordinals[0] = 0

        // The name index, by counting: elements in document order within each name.
        var byNameStart = [Int32](repeating: 0, count: names.count + 1)
        for id in 0..<total { byNameStart[Int(layout.nameIDs[id]) + 1] += 1 }
        for nameID in 0..<names.count { byNameStart[nameID + 1] += byNameStart[nameID] }
        var byName = [Int32](repeating: 0, count: total)
        var filled = byNameStart
        for id in 0..<total {
            let nameID = Int(layout.nameIDs[id])
            byName[Int(filled[nameID])] = Int32(id)
            filled[nameID] += 1
        }
        layout.store(names: names)

        self.count = total
        self.nameTable = collected.nameTable
        self.names = names
        self.texts = collected.texts
        self.attributes = collected.attributes
        self.otherNamespaces = collected.otherNamespaces
        self.byNameStart = byNameStart
        self.byName = byName
        answers = .allocate(capacity: total)
        answers.initialize(repeating: 0, count: total)
        categoryIDs = .allocate(capacity: total)
        categoryIDs.initialize(repeating: nil, count: total)
        self.layout = .allocate(capacity: 1)
        self.layout.initialize(to: layout)
    }

    deinit {
        ublCRViolations?.deallocate()
        answers.deallocate()
        categoryIDs.deinitialize(count: count)
        categoryIDs.deallocate()
        layout.pointee.deallocate()
        layout.deallocate()
    }

    var root: Node { Node(tree: self, id: 0) }

    /// Element `id` as an ``XMLElement``, with all it contains.
    func element(_ id: Int32) -> XMLElement {
        element(id) { _ in true }
    }

    /// Element `id` as an ``XMLElement`` with the children `keeps` accepts, each whole.
    func element(_ id: Int32, keepingChildren keeps: (Int32) -> Bool) -> XMLElement {
        let index = Int(id)
        let layout = layout.pointee
        let namespace = layout.namespaces[index]
        var children: [XMLElement] = []
        for slot in Int(layout.childStart[index])..<Int(layout.childStart[index + 1]) {
            let child = layout.childList[slot]
            if keeps(child) { children.append(element(child)) }
        }
        return XMLElement(
            name: names[Int(layout.nameIDs[index])], namespace: namespace.uri ?? otherNamespaces[id] ?? "",
            attributes: attributes[index], children: children, text: texts[index], line: Int(layout.lines[index]))
    }

    func nameID(for name: String) -> Int32? { nameTable[name] }

    func elements(nameID: Int) -> ArraySlice<Int32> { byName[Int(byNameStart[nameID])..<Int(byNameStart[nameID + 1])] }
}

/// Questions the rules ask of the same element again and again (each VAT category's rules ask
/// them of every tax category), answered once per element with ``Node/remember(_:_:)``.
enum ElementQuestion: UInt8 {
    case hasVATScheme, isAllowance, isCharge
}

/// Values remembered by a string's representation, without hashing its text: the XML reader
/// hands out one `String` per distinct name, so a name seen again has the same 16 bytes (its
/// storage reference, or its inline characters). A miss only means asking the slower table; a
/// hit is always right, since equal representations are equal strings. The strings must stay
/// alive while the cache is used.
struct SameStringCache {
    private static let capacity = 256
    private var keys = [(UInt64, UInt64)](repeating: (0, 0), count: capacity)  // (0, 0) is no string
    private var values = [Int32](repeating: 0, count: capacity)
    private var count = 0

    private static func bits(_ string: String) -> (UInt64, UInt64) { unsafeBitCast(string, to: (UInt64, UInt64).self) }

    private static func slot(_ key: (UInt64, UInt64)) -> Int {
        Int(truncatingIfNeeded: ((key.0 &* 0x9E37_79B9_7F4A_7C15) ^ key.1 &* 0xC2B2_AE3D_27D4_EB4F) >> 56)
    }

    subscript(string: String) -> Int32? {
        get {
            let key = Self.bits(string)
            var slot = Self.slot(key)
            while keys[slot] != (0, 0) {
                if keys[slot] == key { return values[slot] }
                slot = (slot + 1) & (Self.capacity - 1)
            }
            return nil
        }
        set {
            // Kept at most half full; past that, new strings are simply not remembered.
            guard let newValue, count < Self.capacity / 2 else { return }
            let key = Self.bits(string)
            var slot = Self.slot(key)
            while keys[slot] != (0, 0) && keys[slot] != key { slot = (slot + 1) & (Self.capacity - 1) }
            if keys[slot] == (0, 0) { count += 1 }
            keys[slot] = key
            values[slot] = newValue
        }
    }
}

/// An element of the document under validation: a position in its ``DocumentTree``. Copying a
/// node costs nothing; the tree lives as long as the validation that made it.
struct Node {
    unowned(unsafe) let tree: DocumentTree
    let layout: UnsafeMutablePointer<TreeLayout>
    let id: Int32

    init(tree: DocumentTree, id: Int32) {
        self.tree = tree
        self.layout = tree.layout
        self.id = id
    }

    private init(tree: DocumentTree, layout: UnsafeMutablePointer<TreeLayout>, id: Int32) {
        self.tree = tree
        self.layout = layout
        self.id = id
    }

    /// Another element of the same document.
    func node(_ id: Int32) -> Node { Node(tree: tree, layout: layout, id: id) }

    var name: String { tree.names[Int(layout.pointee.nameIDs[Int(id)])] }
    var namespace: Namespace { layout.pointee.namespaces[Int(id)] }
    var text: String { tree.texts[Int(id)] }
    var attributes: [XMLAttribute] { tree.attributes[Int(id)] }
    var line: Int { Int(layout.pointee.lines[Int(id)]) }
    /// Position among its parent's children.
    var index: Int { Int(layout.pointee.positions[Int(id)]) }
    /// Position in document order.
    var order: Int { Int(id) }
    /// The name's key in ``RuleIndex``, -1 when no rule context names it.
    var nameKey: Int { Int(layout.pointee.nameKeys[Int(id)]) }
    /// 1-based position among same-named siblings, 0 when it has none.
    var ordinal: Int { Int(layout.pointee.ordinals[Int(id)]) }

    var parent: Node? {
        let parent = layout.pointee.parents[Int(id)]
        return parent < 0 ? nil : node(parent)
    }

    var isRoot: Bool { id == 0 }
    var root: Node { node(0) }

    var children: Children {
        Children(node: self, start: Int(layout.pointee.childStart[Int(id)]), end: Int(layout.pointee.childStart[Int(id) + 1]))
    }

    struct Children: RandomAccessCollection {
        let node: Node
        let start: Int
        let end: Int
        var startIndex: Int { start }
        var endIndex: Int { end }
        subscript(position: Int) -> Node { node.node(node.layout.pointee.childList[position]) }
    }

    func attribute(_ name: String) -> String? {
        // Read in place: copying an XMLAttribute would retain and release its three strings.
        tree.attributes.withUnsafeBufferPointer { all in
            all[Int(id)].withUnsafeBufferPointer { attributes in
                for index in attributes.indices where attributes[index].namespace.isEmpty && attributes[index].name == name {
                    return attributes[index].value
                }
                return nil
            }
        }
    }

    func hasAttribute(_ name: String) -> Bool { attribute(name) != nil }

    /// The XPath string value: the text of a leaf, all descendant text of an aggregate.
    var stringValue: String {
        let children = self.children
        if children.isEmpty { return text }
        var result = text
        for child in children { result += child.stringValue }
        return result
    }

    /// `normalize-space(.)`.
    var normalized: String { stringValue.normalizedSpace }

    /// A leaf with nothing but white space: `not(*) and not(normalize-space())`, without building strings.
    var isEmptyLeaf: Bool {
        children.isEmpty && layout.pointee.blankTexts[Int(id)]
    }

    /// The local name ends with `suffix` (compared as bytes).
    func nameEnds(with suffix: StaticString) -> Bool {
        suffix.withUTF8Buffer { layout.pointee.name(of: id, endsWith: UnsafeRawBufferPointer($0)) }
    }

    /// `/Invoice/cac:InvoiceLine[2]/cbc:ID`: prefixes as UBL writes them, positions among
    /// same-named siblings.
    var path: String {
        guard let parent else { return "/" + name }
        return parent.path + "/" + namespace.prefix + name + (ordinal > 0 ? "[\(ordinal)]" : "")
    }

    /// Visits this node and every descendant in document order; stop by returning false.
    @discardableResult
    func walk(_ visit: (Node) -> Bool) -> Bool {
        if !visit(self) { return false }
        for child in children where !child.walk(visit) { return false }
        return true
    }

    func isNamed(_ namespace: Namespace, _ name: StaticString) -> Bool {
        self.namespace == namespace && name.withUTF8Buffer { layout.pointee.name(of: id, equals: UnsafeRawBufferPointer($0)) }
    }

    func isNamed(_ namespace: Namespace, _ name: String) -> Bool {
        guard self.namespace == namespace else { return false }
        return name.utf8.withContiguousStorageIfAvailable { layout.pointee.name(of: id, equals: UnsafeRawBufferPointer($0)) }
            ?? (self.name == name)
    }

    // MARK: Document-wide indexes and memos

    /// Every element of the document with this local name, in document order.
    func elements(named name: String) -> ArraySlice<Int32> {
        guard let nameID = tree.nameID(for: name) else { return [] }
        return tree.elements(nameID: Int(nameID))
    }

    /// Every element of the document that has attribute `name`, in document order.
    func elements(withAttribute name: String) -> [Int32] {
        if tree.byAttribute == nil {
            // A document uses a handful of attribute names: a list beats hashing every attribute.
            var index: [(name: String, elements: [Int32])] = []
            for element in 0..<tree.count {
                tree.attributes[element].withUnsafeBufferPointer { attributes in
                    for attribute in attributes.indices where attributes[attribute].namespace.isEmpty {
                        let name = attributes[attribute].name
                        if let known = index.firstIndex(where: { $0.name == name }) {
                            index[known].elements.append(Int32(element))
                        } else {
                            index.append((name, [Int32(element)]))
                        }
                    }
                }
            }
            tree.byAttribute = Dictionary(uniqueKeysWithValues: index.lazy.map { ($0.name, $0.elements) })
        }
        return tree.byAttribute?[name] ?? []
    }

    /// Whether the document breaks UBL-CR catalogue entry `entry`; the whole catalogue is
    /// evaluated once per document.
    func breaksUBLCR(_ entry: Int) -> Bool {
        if let violations = tree.ublCRViolations { return violations[entry] }
        let violations = UnsafeMutablePointer<Bool>.allocate(capacity: UBLCRCatalogue.entries.count)
        violations.initialize(from: UBLCRCheck.shared.violations(in: root), count: UBLCRCatalogue.entries.count)
        tree.ublCRViolations = violations
        return violations[entry]
    }

    /// A yes/no question about this element, answered once per document.
    func remember(_ question: ElementQuestion, _ compute: (Node) -> Bool) -> Bool {
        let known: UInt8 = 1 << (2 * question.rawValue)
        let bits = tree.answers[Int(id)]
        if bits & known != 0 { return bits & (known << 1) != 0 }
        let answer = compute(self)
        tree.answers[Int(id)] = bits | known | (answer ? known << 1 : 0)
        return answer
    }

    /// A document-wide yes/no question answered once per document: `key` names the question.
    func memo(_ key: StaticString, _ compute: (Node) -> Bool) -> Bool {
        let id = UnsafeRawPointer(key.utf8Start)
        if let answer = tree.memos[id] { return answer }
        let answer = compute(root)
        tree.memos[id] = answer
        return answer
    }
}

extension StringProtocol {
    /// XPath `normalize-space()`: trimmed, inner runs of white space collapsed to one space.
    var normalizedSpace: String {
        if isSpaceNormalized { return String(self) }
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

    /// No leading, trailing, repeated or non-space white space: most values, kept as they are.
    private var isSpaceNormalized: Bool {
        var previousWasSpace = true
        for byte in utf8 {
            switch byte {
            case 0x09, 0x0A, 0x0D: return false
            case 0x20:
                if previousWasSpace { return false }
                previousWasSpace = true
            default: previousWasSpace = false
            }
        }
        return !previousWasSpace || isEmpty
    }
}
