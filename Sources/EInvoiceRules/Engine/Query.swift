/// Location paths as the rules write them, interpreted straight from their literal bytes (no
/// parsing step, no allocation):
///
/// - `cac:Party/cbc:EndpointID`: child steps with the Schematron prefixes (`cbc`, `cac`, `ext`,
///   `ubl`, `cn`);
/// - `cac:InvoiceLine|cac:CreditNoteLine`: alternatives within one step;
/// - `*`: any element; `..`: the parent;
/// - a leading `//`: every matching element of the whole document.
///
/// Predicates are Swift closures at the call site.
extension Node {
    /// Calls `visit` for every node the path selects, in document order; stop by returning false.
    @discardableResult
    func select(_ path: StaticString, _ visit: (Node) -> Bool) -> Bool {
        path.withUTF8Buffer { buffer in
            let raw = UnsafeRawBufferPointer(buffer)
            guard let (firstStep, rest) = Node.anywhereSteps(raw) else { return Node.matchDown(self, raw, visit) }
            // A literal's address names it for the whole process: what its first step selects is
            // looked up once per document.
            let key = UnsafeRawPointer(path.utf8Start)
            let selected: [Int32]
            if let known = tree.anywhere[key] {
                selected = known
            } else {
                selected = elements(matching: firstStep)
                tree.anywhere[key] = selected
            }
            for id in selected where !Node.matchDown(node(id), rest, visit) { return false }
            return true
        }
    }

    /// The same for a path held as data (the rule catalogues).
    @discardableResult
    func select(path: String, _ visit: (Node) -> Bool) -> Bool {
        var path = path
        return path.withUTF8 { buffer in
            let raw = UnsafeRawBufferPointer(buffer)
            guard let (firstStep, rest) = Node.anywhereSteps(raw) else { return Node.matchDown(self, raw, visit) }
            for id in elements(matching: firstStep) where !Node.matchDown(node(id), rest, visit) { return false }
            return true
        }
    }

    /// For `//first/rest`, the steps `first` and `rest`; nil for a relative path.
    private static func anywhereSteps(_ raw: UnsafeRawBufferPointer) -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer)? {
        guard raw.count >= 2 && raw[0] == UInt8(ascii: "/") && raw[1] == UInt8(ascii: "/") else { return nil }
        let path = UnsafeRawBufferPointer(rebasing: raw[2...])
        let end = path.firstIndex(of: UInt8(ascii: "/")) ?? path.endIndex
        let rest = end < path.endIndex ? UnsafeRawBufferPointer(rebasing: path[(end + 1)...]) : UnsafeRawBufferPointer(start: nil, count: 0)
        return (UnsafeRawBufferPointer(rebasing: path[..<end]), rest)
    }

    /// Every element of the document that `step` names, in document order.
    private func elements(matching step: UnsafeRawBufferPointer) -> [Int32] {
        var selected: [Int32] = []
        guard let names = Node.localNames(step) else {
            root.walk { node in
                if Node.matches(node, step) { selected.append(node.id) }
                return true
            }
            return selected
        }
        // Named steps come from the document's name index.
        for name in names { selected += elements(named: name).lazy.filter { Node.matches(node($0), step) } }
        if names.count > 1 { selected.sort() }
        return selected
    }

    /// Applies the first step of `steps` to the children of `node` (its parent for `..`), then
    /// the rest below each match.
    private static func matchDown(_ node: Node, _ steps: UnsafeRawBufferPointer, _ visit: (Node) -> Bool) -> Bool {
        if steps.isEmpty { return visit(node) }
        let end = steps.firstIndex(of: UInt8(ascii: "/")) ?? steps.endIndex
        let step = UnsafeRawBufferPointer(rebasing: steps[..<end])
        let rest = end < steps.endIndex ? UnsafeRawBufferPointer(rebasing: steps[(end + 1)...]) : UnsafeRawBufferPointer(start: nil, count: 0)
        if step.count == 2 && step[0] == UInt8(ascii: ".") && step[1] == UInt8(ascii: ".") {
            guard let parent = node.parent else { return true }
            return matchDown(parent, rest, visit)
        }
        // The step is read once for all the children it is tried on.
        let matcher = StepMatcher(step)
        for child in node.children where matcher.matches(child) {
            if !matchDown(child, rest, visit) { return false }
        }
        return true
    }

    /// A step read once: `*`, or up to four `prefix:name` alternatives; longer lists of
    /// alternatives are matched from the text each time.
    private struct StepMatcher {
        private var any = false
        private var count = 0
        private var namespaces = InlineArray<4, Namespace>(repeating: .other)
        private var names = InlineArray<4, UnsafeRawBufferPointer>(repeating: UnsafeRawBufferPointer(start: nil, count: 0))
        private var unparsed: UnsafeRawBufferPointer?

        init(_ step: UnsafeRawBufferPointer) {
            var start = step.startIndex
            while start < step.endIndex {
                let end = step[start...].firstIndex(of: UInt8(ascii: "|")) ?? step.endIndex
                let alternative = UnsafeRawBufferPointer(rebasing: step[start..<end])
                start = end + 1
                if alternative.count == 1 && alternative[0] == UInt8(ascii: "*") {
                    any = true
                    return
                }
                guard count < 4 else {
                    unparsed = step
                    return
                }
                if let colon = alternative.firstIndex(of: UInt8(ascii: ":")) {
                    // A prefix the rules do not bind never matches.
                    guard let namespace = Namespace(prefix: UnsafeRawBufferPointer(rebasing: alternative[..<colon])) else {
                        continue
                    }
                    namespaces[count] = namespace
                    names[count] = UnsafeRawBufferPointer(rebasing: alternative[(colon + 1)...])
                } else {
                    namespaces[count] = .other
                    names[count] = alternative
                }
                count += 1
            }
        }

        func matches(_ node: Node) -> Bool {
            if any { return true }
            if let unparsed { return Node.matches(node, unparsed) }
            let namespace = node.namespace
            for index in 0..<count where namespaces[index] == namespace {
                if node.layout.pointee.name(of: node.id, equals: names[index]) { return true }
            }
            return false
        }
    }

    /// The local names a step accepts, nil for `*`.
    static func localNames(_ step: UnsafeRawBufferPointer) -> [String]? {
        var names: [String] = []
        for alternative in step.split(separator: UInt8(ascii: "|")) {
            if alternative.count == 1 && alternative.first == UInt8(ascii: "*") { return nil }
            let name = alternative.split(separator: UInt8(ascii: ":"), maxSplits: 1).last ?? alternative
            names.append(String(decoding: name, as: UTF8.self))
        }
        return names
    }

    /// Whether `node` is named by `step` (`cbc:ID`, `*`, or alternatives `a:X|b:Y`).
    static func matches(_ node: Node, _ step: UnsafeRawBufferPointer) -> Bool {
        var start = step.startIndex
        while start < step.endIndex {
            let end = step[start...].firstIndex(of: UInt8(ascii: "|")) ?? step.endIndex
            if matchesOne(node, UnsafeRawBufferPointer(rebasing: step[start..<end])) { return true }
            start = end + 1
        }
        return false
    }

    private static func matchesOne(_ node: Node, _ step: UnsafeRawBufferPointer) -> Bool {
        if step.count == 1 && step[0] == UInt8(ascii: "*") { return true }
        guard let colon = step.firstIndex(of: UInt8(ascii: ":")) else {
            return node.namespace == .other && node.layout.pointee.name(of: node.id, equals: step)
        }
        guard let namespace = Namespace(prefix: UnsafeRawBufferPointer(rebasing: step[..<colon])),
            namespace == node.namespace
        else { return false }
        return node.layout.pointee.name(of: node.id, equals: UnsafeRawBufferPointer(rebasing: step[(colon + 1)...]))
    }

    // MARK: Conveniences

    func all(_ path: StaticString) -> [Node] {
        var result: [Node] = []
        select(path) { result.append($0); return true }
        return result
    }

    func first(_ path: StaticString) -> Node? {
        var found: Node?
        select(path) { found = $0; return false }
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
        select(path) { _ in count += 1; return true }
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
}
