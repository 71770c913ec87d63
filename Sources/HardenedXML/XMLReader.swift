import CLibXML2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads XML from bytes that nobody vouches for.
///
/// Parsing runs through libxml2's SAX2 interface with everything that reaches outside the document
/// switched off: a `<!DOCTYPE>` stops parsing at once (so no DTD is loaded, no entity is declared and
/// no billion-laughs expansion can start), undeclared entity references are errors, the network is
/// never used, and the input size and element depth are limited. What comes back is a tree of
/// ``XMLElement`` values.
public struct XMLReader: Sendable {
    public struct Limits: Sendable, Equatable {
        /// The largest document accepted, in bytes.
        public var maxBytes: Int
        /// The deepest element nesting accepted (the root is depth 1).
        public var maxDepth: Int
        /// The most attributes (namespace declarations included) one element may have.
        public var maxAttributes: Int
        /// The most namespace declarations in scope at any element.
        public var maxNamespaceDeclarations: Int
        /// Elements and attributes may be no denser than one per this many bytes (after the first
        /// 4,096), which bounds the tree's memory by a small multiple of the document's size.
        public var minimumBytesPerNode: Int

        public init(
            maxBytes: Int = 100 * 1024 * 1024, maxDepth: Int = 64, maxAttributes: Int = 64,
            maxNamespaceDeclarations: Int = 256, minimumBytesPerNode: Int = 8
        ) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.maxAttributes = maxAttributes
            self.maxNamespaceDeclarations = maxNamespaceDeclarations
            self.minimumBytesPerNode = minimumBytesPerNode
        }
    }

    public var limits: Limits
    /// Elements whose content is checked for well-formedness but not kept in the tree: a document
    /// carried inside another (a SOAP `Payload`), which is taken as bytes (``XMLExcerpt``)
    /// instead of costing a tree the size of the envelope.
    public var opaqueElements: [XMLName]

    /// Set only when the bytes are a read-only private mapping of a file that the caller made
    /// (`mmap` with `PROT_READ`, `MAP_PRIVATE`): the pages already handed to libxml2 are then
    /// given back to the kernel as the parse goes on, so a large file is not resident whole while
    /// its tree grows. The bytes stay readable (pages return from the file when touched).
    public var dropsParsedPages = false

    public init(limits: Limits = Limits(), opaqueElements: [XMLName] = []) {
        self.limits = limits
        self.opaqueElements = opaqueElements
    }

    /// Parses a whole document and returns its root element.
    public func read(_ bytes: some Collection<UInt8>) throws(XMLReadError) -> XMLElement {
        let tree = ElementTreeBuilder()
        try read(bytes, into: tree)
        guard let root = tree.root else { throw XMLReadError(.malformed, "document has no root element") }
        return root
    }

    /// Parses a whole document, handing its elements to `sink` in document order instead of
    /// building ``XMLElement`` values: for callers that keep the document in a form of their own
    /// (the validator's flat tree), so a large document is not held twice.
    public func read(_ bytes: some Collection<UInt8>, into sink: some XMLElementSink) throws(XMLReadError) {
        if bytes.count > limits.maxBytes {
            throw XMLReadError(
                .tooLarge, "document is \(bytes.count) bytes, more than the limit of \(limits.maxBytes)")
        }
        if bytes.allSatisfy(\.isXMLWhitespace) {
            throw XMLReadError(.malformed, "document is empty")
        }
        let result =
            bytes.withContiguousStorageIfAvailable { parse($0, sink) } ?? Array(bytes).withUnsafeBufferPointer { parse($0, sink) }
        try result.get()
    }

    private func parse(_ buffer: UnsafeBufferPointer<UInt8>, _ sink: any XMLElementSink) -> Result<Void, XMLReadError> {
        var elements = 0
        if let refusal = MarkupBudget.check(buffer, limits: limits, elements: &elements) { return .failure(refusal) }
        sink.expect(elements: elements)
        XMLReader.initializeLibrary
        let builder = TreeBuilder(maxDepth: limits.maxDepth, opaqueElements: opaqueElements, sink: sink)
        var handler = XMLReader.makeHandler()
        let userData = Unmanaged.passUnretained(builder).toOpaque()
        guard let context = xmlCreatePushParserCtxt(&handler, userData, nil, 0, nil) else {
            return .failure(XMLReadError(.malformed, "the XML parser could not be created"))
        }
        defer { xmlFreeParserCtxt(context) }
        builder.context = context
        // HUGE lifts libxml2's own 10 MB cap on one text node (an embedded PDF is one); the
        // limits above, checked before libxml2 sees the bytes, bound what a document may cost.
        _ = xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_HUGE.rawValue))
        // Fed in slices: the push parser keeps only what it has not parsed yet, so a 100 MiB
        // document is not copied whole into libxml2's input buffer.
        let slice = 1 << 20
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var status: Int32 = 0
        buffer.withMemoryRebound(to: CChar.self) { chars in
            var offset = 0
            repeat {
                let count = min(slice, chars.count - offset)
                let last = offset + count == chars.count
                status = xmlParseChunk(context, chars.baseAddress.map { $0 + offset }, Int32(count), last ? 1 : 0)
                offset += count
                if dropsParsedPages, let base = chars.baseAddress {
                    // libxml2 has copied what it still needs of these bytes into its own buffer.
                    let done = offset / page * page
                    if done > 0 { madvise(UnsafeMutableRawPointer(mutating: base), done, MADV_DONTNEED) }
                }
                if status != 0 || builder.error != nil { break }
            } while offset < chars.count
        }
        return withExtendedLifetime(builder) {
            if builder.state.sinkHasEnough { return .success(()) }
            if let error = builder.error { return .failure(error) }
            if status != 0 || context.pointee.wellFormed == 0 {
                return .failure(XMLReadError(.malformed, "document is not well-formed XML"))
            }
            guard builder.sawRoot else {
                return .failure(XMLReadError(.malformed, "document has no root element"))
            }
            return .success(())
        }
    }

    /// Once per process. No external entity loader is replaced: nothing in a parse reaches one,
    /// because a `<!DOCTYPE>` ends the parse before any DTD or entity is looked at.
    private static let initializeLibrary: Void = xmlInitParser()

    private static func makeHandler() -> xmlSAXHandler {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        // Events reach the builder without retaining it (it outlives the parse).
        handler.startElementNs = { userData, localName, _, uri, _, _, attributeCount, _, attributes in
            TreeBuilder.with(userData) { $0.start(localName, uri, Int(attributeCount), attributes) }
        }
        handler.endElementNs = { userData, _, _, _ in
            TreeBuilder.with(userData) { $0.end() }
        }
        handler.characters = { userData, characters, length in
            TreeBuilder.with(userData) { $0.characters(characters, Int(length)) }
        }
        handler.cdataBlock = { userData, characters, length in
            TreeBuilder.with(userData) { $0.characters(characters, Int(length)) }
        }
        handler.internalSubset = { userData, _, _, _ in
            TreeBuilder.with(userData) { $0.fail(XMLReadError(.dtdForbidden, "a document type declaration (<!DOCTYPE>) is not allowed")) }
        }
        handler.externalSubset = { userData, _, _, _ in
            TreeBuilder.with(userData) { $0.fail(XMLReadError(.dtdForbidden, "an external DTD subset is not allowed")) }
        }
        handler.entityDecl = { userData, _, _, _, _, _ in
            TreeBuilder.with(userData) { $0.fail(XMLReadError(.dtdForbidden, "entity declarations are not allowed")) }
        }
        handler.serror = { userData, error in
            guard let userData, let error else { return }
            TreeBuilder.with(userData) { $0.libraryError(error.pointee) }
        }
        return handler
    }
}

/// Receives the SAX events of one parse, on one thread. The state lives in one struct that only
/// this builder's methods touch, one event at a time, so its accesses need no run-time
/// exclusivity checks (they cost ~8 % of a parse).
private final class TreeBuilder {
    @exclusivity(unchecked) var state: TreeState
    var context: xmlParserCtxtPtr?

    init(maxDepth: Int, opaqueElements: [XMLName], sink: any XMLElementSink) {
        state = TreeState(maxDepth: maxDepth, opaqueElements: opaqueElements, sink: sink)
    }

    var sawRoot: Bool { state.sawRoot }
    var error: XMLReadError? { state.error }

    static func with(_ userData: UnsafeMutableRawPointer?, _ body: (TreeBuilder) -> Void) {
        Unmanaged<TreeBuilder>.fromOpaque(userData!)._withUnsafeGuaranteedRef(body)
    }

    func start(
        _ localName: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?, _ attributeCount: Int,
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        let line = context.map { Int(xmlSAX2GetLineNumber($0)) } ?? 0
        if !state.start(localName, uri, attributeCount, attributes, line: line) { stop() }
    }

    func end() {
        state.end()
        if state.sinkHasEnough { stop() }
    }

    func characters(_ characters: UnsafePointer<xmlChar>?, _ length: Int) { state.characters(characters, length) }

    func fail(_ failure: XMLReadError) {
        if state.error == nil { state.error = failure }
        stop()
    }

    private func stop() {
        if let context { xmlStopParser(context) }
    }

    func libraryError(_ libraryError: xmlError) {
        guard state.error == nil, libraryError.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        var message = libraryError.message.map { String(cString: $0) } ?? "malformed XML"
        while message.last?.isNewline == true { message.removeLast() }
        if libraryError.code == Int32(XML_ERR_DOCUMENT_EMPTY.rawValue) {
            // libxml2 says "Document is empty" for any content that does not begin with an element.
            message = "not XML: the content does not begin with an element"
        }
        let code: XMLReadError.Code =
            libraryError.code == Int32(XML_ERR_UNDECLARED_ENTITY.rawValue)
                || libraryError.code == Int32(XML_WAR_UNDECLARED_ENTITY.rawValue)
            ? .entityForbidden : .malformed
        state.error = XMLReadError(code, message, line: Int(libraryError.line))
    }
}

/// What a parse has open: the elements not yet ended, their pending text; finished elements go
/// to the sink.
private struct TreeState {
    let maxDepth: Int
    let sink: any XMLElementSink
    /// Per open element: its text so far, and whether a child element has started.
    var open: [(text: String, hasChildren: Bool)] = []
    /// Character data of the open elements, as raw bytes; `textStart[i]` is where element `i`'s
    /// pending text begins. White space between child elements never becomes a `String`.
    var textBytes: [UInt8] = []
    var textStart: [Int] = []
    var sawRoot = false
    var error: XMLReadError?
    /// The sink asked for no more elements.
    var sinkHasEnough = false
    /// libxml2 interns names and namespace URIs in its dictionary for the whole parse, so one
    /// Swift `String` per distinct pointer is enough.
    var interned = InternTable()
    let opaqueElements: [XMLName]
    /// Inside an opaque element: 1 for the element itself, +1 per open element within it.
    var opaqueDepth = 0

    init(maxDepth: Int, opaqueElements: [XMLName], sink: any XMLElementSink) {
        self.maxDepth = maxDepth
        self.opaqueElements = opaqueElements
        self.sink = sink
    }

    /// Opens an element; false when the parse must stop.
    mutating func start(
        _ localName: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?, _ attributeCount: Int,
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, line: Int
    ) -> Bool {
        guard error == nil else { return true }
        if open.count + max(opaqueDepth - 1, 0) >= maxDepth {
            error = XMLReadError(.tooDeep, "elements are nested deeper than the limit of \(maxDepth)")
            return false
        }
        if opaqueDepth > 0 {
            opaqueDepth += 1
            return true
        }
        flushText(keepingWhitespace: false)
        if !open.isEmpty { open[open.count - 1].hasChildren = true }
        let name = interned[localName]
        let namespace = interned[uri]
        if !opaqueElements.isEmpty, opaqueElements.contains(where: { $0.localName == name && $0.namespace == namespace }) {
            opaqueDepth = 1
        }
        var list: [XMLAttribute] = []
        if attributeCount > 0, let attributes {
            list.reserveCapacity(attributeCount)
            for index in 0..<attributeCount {
                // Five pointers per attribute: local name, prefix, URI, value start, value end.
                let base = index * 5
                guard let start = attributes[base + 3], let end = attributes[base + 4] else { continue }
                var value = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
                // Without entity substitution libxml2 hands every `&` of an attribute value over as
                // `&#38;` (and nothing else as that), so this gives back exactly what was written.
                if value.utf8.contains(UInt8(ascii: "&")) { value = value.replacingAmpersandReferences() }
                list.append(XMLAttribute(name: interned[attributes[base]], namespace: interned[attributes[base + 2]], value: value))
            }
        }
        sawRoot = true
        sink.start(name: name, namespace: namespace, attributes: list, line: line)
        open.append(("", false))
        textStart.append(textBytes.count)
        return true
    }

    /// Moves the pending bytes of the innermost open element into its text. Pure white space
    /// before a child element is dropped: it is layout, not content.
    mutating func flushText(keepingWhitespace: Bool) {
        guard let start = textStart.last, start < textBytes.count else { return }
        let isWhitespace = textBytes[start...].allSatisfy(\.isXMLWhitespace)
        if keepingWhitespace || !isWhitespace {
            let text = textBytes[start...].withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
            if open[open.count - 1].text.isEmpty {
                open[open.count - 1].text = text
            } else {
                open[open.count - 1].text += text
            }
        }
        textBytes.removeSubrange(start...)
    }

    mutating func end() {
        guard error == nil, !open.isEmpty else { return }
        if opaqueDepth > 1 {
            opaqueDepth -= 1
            return
        }
        opaqueDepth = 0
        // A leaf keeps white-space-only text; an element with children does not.
        flushText(keepingWhitespace: !open[open.count - 1].hasChildren)
        textStart.removeLast()
        sink.end(text: open.removeLast().text)
        sinkHasEnough = sink.hasEnough
    }

    mutating func characters(_ characters: UnsafePointer<xmlChar>?, _ length: Int) {
        guard error == nil, !open.isEmpty, opaqueDepth == 0, let characters, length > 0 else { return }
        textBytes.append(contentsOf: UnsafeBufferPointer(start: characters, count: length))
    }
}

/// Receives a document's elements in document order from ``XMLReader/read(_:into:)``.
public protocol XMLElementSink: AnyObject {
    /// Before the first element: how many there will be (when the document is well-formed), so
    /// storage can be reserved once instead of growing by doubling.
    func expect(elements: Int)
    /// An element starts (its children follow, then its `end`).
    func start(name: String, namespace: String, attributes: [XMLAttribute], line: Int)
    /// The innermost started element ends, with its character data as ``XMLElement/text`` holds it.
    func end(text: String)
    /// True once the sink has all it wants: the parse ends after the element that just ended,
    /// successfully, without reading (or checking) the rest of the document.
    var hasEnough: Bool { get }
}

extension XMLElementSink {
    public func expect(elements: Int) {}
    public var hasEnough: Bool { false }
}

/// Builds the ``XMLElement`` tree.
final class ElementTreeBuilder: XMLElementSink {
    /// Touched only by `start` and `end`, one event at a time (see ``TreeBuilder``).
    @exclusivity(unchecked) var open: [XMLElement] = []
    var root: XMLElement?

    func start(name: String, namespace: String, attributes: [XMLAttribute], line: Int) {
        open.append(XMLElement(name: name, namespace: namespace, attributes: attributes, line: line))
    }

    func end(text: String) {
        var element = open.removeLast()
        element.text = text
        if open.isEmpty {
            root = element
        } else {
            open[open.count - 1].children.append(element)
        }
    }
}

/// Strings by the address of libxml2's interned name: open addressing on the pointer, no hashing
/// of text. Documents name a few dozen distinct things; the table grows if one names more.
private struct InternTable {
    private var keys = [UnsafeRawPointer?](repeating: nil, count: 256)
    private var strings = [String](repeating: "", count: 256)
    private var count = 0

    subscript(name: UnsafePointer<xmlChar>?) -> String {
        mutating get {
            guard let name else { return "" }
            let key = UnsafeRawPointer(name)
            let slot = slot(for: key)
            if keys[slot] != nil { return strings[slot] }
            let string = String(cString: name)
            keys[slot] = key
            strings[slot] = string
            count += 1
            if count * 2 > keys.count { grow() }
            return string
        }
    }

    /// The slot holding `key`, or the free one where it goes.
    private func slot(for key: UnsafeRawPointer) -> Int {
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: (UInt(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
        while let occupant = keys[slot], occupant != key { slot = (slot + 1) & mask }
        return slot
    }

    private mutating func grow() {
        let old = zip(keys, strings).compactMap { key, string in key.map { ($0, string) } }
        keys = [UnsafeRawPointer?](repeating: nil, count: keys.count * 2)
        strings = [String](repeating: "", count: keys.count)
        for (key, string) in old {
            let slot = slot(for: key)
            keys[slot] = key
            strings[slot] = string
        }
    }
}

extension String {
    /// Every `&#38;` as `&`.
    fileprivate func replacingAmpersandReferences() -> String {
        let reference = Array("&#38;".utf8)
        let bytes = Array(utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "&") && bytes[index...].starts(with: reference) {
                result.append(UInt8(ascii: "&"))
                index += reference.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
