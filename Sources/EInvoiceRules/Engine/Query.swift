import Foundation
import Synchronization

/// Location paths as the rules write them:
///
/// - `cac:Party/cbc:EndpointID`: child steps with the Schematron prefixes (`cbc`, `cac`, `ext`,
///   `ubl`, `cn`);
/// - `cac:InvoiceLine|cac:CreditNoteLine`: alternatives within one step;
/// - `*`: any element; `..`: the parent;
/// - a leading `//`: every matching element of the whole document.
///
/// A path literal is read once per process (``CompiledPath/table``, by the literal's address);
/// predicates are Swift closures at the call site.
extension Node {
    /// Calls `visit` for every node the path selects, in document order; stop by returning false.
    @discardableResult
    func select(_ path: StaticString, _ visit: (Node) -> Bool) -> Bool {
        // A one-character literal is held as a scalar, without an address to be known by.
        guard path.hasPointerRepresentation else { return select(path: path.description, visit) }
        return CompiledPath.table.with(path) { compiled in
            select(compiled, visit) {
                // What the first step of a `//` literal selects is looked up once per document.
                let key = UnsafeRawPointer(path.utf8Start)
                if let known = tree.anywhere[key] { return known }
                let selected = elements(matching: compiled)
                tree.anywhere[key] = selected
                return selected
            }
        }
    }

    /// The same for a path held as data (the rule catalogues), read at each call.
    @discardableResult
    func select(path: String, _ visit: (Node) -> Bool) -> Bool {
        var path = path
        return path.withUTF8 { buffer in
            let compiled = CompiledPath(UnsafeRawBufferPointer(buffer))
            return select(compiled, visit) { elements(matching: compiled) }
        }
    }

    /// The path's steps below this node, or for a `//` path below each element `anywhereStarts`
    /// gives (those its first step selects).
    private func select(_ path: CompiledPath, _ visit: (Node) -> Bool, anywhereStarts: () -> [Int32]) -> Bool {
        path.steps.withUnsafeBufferPointer { steps in
            guard path.anywhere != nil else { return Node.matchDown(self, steps, visit) }
            for start in anywhereStarts() where !Node.matchDown(node(start), steps, visit) { return false }
            return true
        }
    }

    /// Applies the first of `steps` to the children of `node` (its parent for `..`), then the rest
    /// below each match.
    private static func matchDown(_ node: Node, _ steps: UnsafeBufferPointer<PathStep>, _ visit: (Node) -> Bool) -> Bool {
        guard let step = steps.baseAddress, !steps.isEmpty else { return visit(node) }
        let rest = UnsafeBufferPointer(rebasing: steps.dropFirst())
        if step.pointee.isParent {
            guard let parent = node.parent else { return true }
            return matchDown(parent, rest, visit)
        }
        for child in node.children where step.pointee.matches(child) {
            if !matchDown(child, rest, visit) { return false }
        }
        return true
    }

    /// Every element of the document the first step of a `//` path names, in document order.
    private func elements(matching path: CompiledPath) -> [Int32] {
        guard let step = path.anywhere else { return [] }
        var selected: [Int32] = []
        guard let names = path.anywhereNames else {
            for id in 0..<Int32(tree.count) where step.matches(node(id)) { selected.append(id) }
            return selected
        }
        // Named steps come from the document's name index.
        for name in names { selected += elements(named: name).lazy.filter { step.matches(node($0)) } }
        if names.count > 1 { selected.sort() }
        return selected
    }
}

/// One step of a location path: `..`, `*`, or `prefix:name` alternatives. Names point into the
/// path's bytes.
struct PathStep: @unchecked Sendable {
    private(set) var isParent = false
    private var any = false
    /// Alternatives; the first is kept apart in plain fields, as most steps have only one.
    private var count = 0
    private var namespace = Namespace.other
    private var name = UnsafeRawBufferPointer(start: nil, count: 0)
    /// The first alternative's ``RuleIndex`` key, -1 when no rule context or catalogue path names
    /// it: elements carry their name's key, so most steps match by comparing integers.
    private var key: Int32 = -1
    /// The further alternatives, in a buffer the ``CompiledPath`` frees (no reference counting
    /// while matching).
    private var others = UnsafeMutableBufferPointer<(namespace: Namespace, name: UnsafeRawBufferPointer)>(start: nil, count: 0)

    init(_ step: UnsafeRawBufferPointer) {
        if step.count == 2 && step[0] == UInt8(ascii: ".") && step[1] == UInt8(ascii: ".") {
            isParent = true
            return
        }
        // One pass over the bytes: alternatives end at `|`, a prefix at the first `:`.
        var others: [(namespace: Namespace, name: UnsafeRawBufferPointer)] = []
        defer {
            if !others.isEmpty {
                self.others = .allocate(capacity: others.count)
                _ = self.others.initialize(from: others)
            }
        }
        var start = 0
        var colon = -1
        for index in 0...step.count {
            let byte = index < step.count ? step[index] : UInt8(ascii: "|")
            if byte == UInt8(ascii: ":") && colon < 0 {
                colon = index
                continue
            }
            guard byte == UInt8(ascii: "|") else { continue }
            defer {
                start = index + 1
                colon = -1
            }
            if index - start == 1 && step[start] == UInt8(ascii: "*") {
                any = true
                return
            }
            var namespace = Namespace.other
            var name = UnsafeRawBufferPointer(rebasing: step[start..<index])
            if colon >= 0 {
                // A prefix the rules do not bind never matches.
                guard let bound = Namespace(prefix: UnsafeRawBufferPointer(rebasing: step[start..<colon])) else { continue }
                namespace = bound
                name = UnsafeRawBufferPointer(rebasing: step[(colon + 1)..<index])
            }
            if count == 0 {
                (self.namespace, self.name) = (namespace, name)
                key = RuleIndex.keys[String(decoding: name, as: UTF8.self)].map(Int32.init) ?? -1
            } else {
                others.append((namespace, name))
            }
            count += 1
        }
    }

    func matches(_ node: Node) -> Bool {
        if any { return true }
        let namespace = node.namespace
        if count > 0 && self.namespace == namespace {
            let layout = node.layout.pointee
            if key >= 0 ? layout.nameKeys[Int(node.id)] == key : layout.name(of: node.id, equals: name) { return true }
        }
        if count > 1 {
            for other in others where other.namespace == namespace {
                if node.layout.pointee.name(of: node.id, equals: other.name) { return true }
            }
        }
        return false
    }

    /// The local names the step accepts, nil for `*`.
    var localNames: [String]? {
        if any { return nil }
        return ([name] + others.map(\.name)).prefix(count).map { String(decoding: $0, as: UTF8.self) }
    }

    func deallocate() { others.deallocate() }
}

/// A location path read once: its steps, and for `//first/rest` the first step apart.
final class CompiledPath: Sendable {
    /// The first step of a `//` path, matched against every element; nil for a relative path.
    let anywhere: PathStep?
    /// The local names `anywhere` accepts (nil for `*`), for the document's name index.
    let anywhereNames: [String]?
    let steps: [PathStep]

    init(_ raw: UnsafeRawBufferPointer) {
        var path = raw
        if raw.count >= 2 && raw[0] == UInt8(ascii: "/") && raw[1] == UInt8(ascii: "/") {
            path = UnsafeRawBufferPointer(rebasing: raw[2...])
        }
        var steps = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map {
            PathStep(UnsafeRawBufferPointer(rebasing: $0))
        }
        if path.isEmpty { steps = [] }
        if path.count < raw.count, !steps.isEmpty {
            let first = steps.removeFirst()
            anywhere = first
            anywhereNames = first.localNames
        } else {
            anywhere = nil
            anywhereNames = nil
        }
        self.steps = steps
    }

    deinit {
        anywhere?.deallocate()
        for step in steps { step.deallocate() }
    }

    /// The compiled path literals of the process, by address: open addressing over a fixed
    /// number of slots, each key published (release) after its value is written, so lookups
    /// take no lock. Literals are few (hundreds) and live as long as the process; so do their
    /// compiled paths.
    final class Table: Sendable {
        private static let capacity = 1 << 13
        private nonisolated(unsafe) let keys: UnsafeMutablePointer<Atomic<UInt>>
        private nonisolated(unsafe) let values: UnsafeMutablePointer<Unmanaged<CompiledPath>?>
        /// Guards inserts and `entries`. (NSLock, a pthread mutex, rather than Synchronization's
        /// Mutex: ThreadSanitizer sees the former, so CI's TSan run checks this table.)
        private let writer = NSLock()
        private nonisolated(unsafe) var entries = 0

        init() {
            keys = .allocate(capacity: Self.capacity)
            for slot in 0..<Self.capacity { (keys + slot).initialize(to: Atomic(0)) }
            values = .allocate(capacity: Self.capacity)
            values.initialize(repeating: nil, count: Self.capacity)
        }

        /// Calls `body` with the literal's compiled path (`literal` has a pointer representation).
        func with<Result>(_ literal: StaticString, _ body: (CompiledPath) -> Result) -> Result {
            let address = UInt(bitPattern: literal.utf8Start)
            let (slot, known) = probe(address)
            if let known { return known._withUnsafeGuaranteedRef(body) }
            let compiled = literal.withUTF8Buffer { CompiledPath(UnsafeRawBufferPointer($0)) }
            writer.withLock {
                // Another thread may have added it meanwhile (then its slot is taken), or the
                // table may be full.
                let (slot, known) = probe(address, from: slot)
                guard known == nil, entries < Self.capacity / 2 else { return }
                entries += 1
                values[slot] = Unmanaged.passRetained(compiled)
                keys[slot].store(address, ordering: .releasing)
            }
            return body(compiled)
        }

        /// The slot holding `address`, with its compiled path, or the first free slot on its way.
        private func probe(_ address: UInt, from start: Int? = nil) -> (slot: Int, known: Unmanaged<CompiledPath>?) {
            var slot = start ?? Int(truncatingIfNeeded: (address &* 0x9E37_79B9_7F4A_7C15) >> 51)
            while true {
                let key = keys[slot].load(ordering: .acquiring)
                if key == address { return (slot, values[slot]!) }
                if key == 0 { return (slot, nil) }
                slot = (slot + 1) & (Self.capacity - 1)
            }
        }
    }

    static let table = Table()
}

extension Node {
    // MARK: Conveniences

    func all(_ path: StaticString) -> [Node] {
        var result: [Node] = []
        select(path) {
            result.append($0); return true
        }
        return result
    }

    func first(_ path: StaticString) -> Node? {
        var found: Node?
        select(path) {
            found = $0; return false
        }
        return found
    }

    func exists(_ path: StaticString) -> Bool { first(path) != nil }

    func exists(_ path: StaticString, where condition: (Node) -> Bool) -> Bool {
        var found = false
        select(path) { node in
            if condition(node) { found = true; return false }
            return true
        }
        return found
    }

    func count(_ path: StaticString) -> Int {
        var count = 0
        select(path) { _ in
            count += 1; return true
        }
        return count
    }

    func count(_ path: StaticString, where condition: (Node) -> Bool) -> Int {
        var count = 0
        select(path) { node in
            if condition(node) { count += 1 }
            return true
        }
        return count
    }

    /// The string value of the first node selected, "" when none (XPath's string() of an empty
    /// sequence).
    func string(_ path: StaticString) -> String { first(path)?.stringValue ?? "" }

    /// XPath `(path) != ''`: some selected node has a non-empty string value.
    func nonEmpty(_ path: StaticString) -> Bool { exists(path) { !$0.stringValue.isEmpty } }

    /// XPath `path = 'value'` (general comparison: some node equals).
    func any(_ path: StaticString, equals value: String) -> Bool { exists(path) { $0.stringValue == value } }

    /// XPath `path/@attribute = 'value'`.
    func any(_ path: StaticString, attribute: String, equals value: String) -> Bool { exists(path) { $0.attribute(attribute) == value } }
}
