import CLibXML2

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

        public init(maxBytes: Int = 100 * 1024 * 1024, maxDepth: Int = 64) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Parses a whole document and returns its root element.
    public func read(_ bytes: some Collection<UInt8>) throws(XMLReadError) -> XMLElement {
        if bytes.count > limits.maxBytes {
            throw XMLReadError(
                .tooLarge, "document is \(bytes.count) bytes, more than the limit of \(limits.maxBytes)")
        }
        if bytes.isEmpty { throw XMLReadError(.malformed, "document is empty") }
        let result = bytes.withContiguousStorageIfAvailable { parse($0) } ?? Array(bytes).withUnsafeBufferPointer { parse($0) }
        return try result.get()
    }

    private func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<XMLElement, XMLReadError> {
        XMLReader.initializeLibrary
        let builder = TreeBuilder(maxDepth: limits.maxDepth)
        var handler = XMLReader.makeHandler()
        let userData = Unmanaged.passUnretained(builder).toOpaque()
        guard let context = xmlCreatePushParserCtxt(&handler, userData, nil, 0, nil) else {
            return .failure(XMLReadError(.malformed, "the XML parser could not be created"))
        }
        defer { xmlFreeParserCtxt(context) }
        builder.context = context
        _ = xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue))
        let status = buffer.withMemoryRebound(to: CChar.self) { chars in
            xmlParseChunk(context, chars.baseAddress, Int32(chars.count), 1)
        }
        return withExtendedLifetime(builder) {
            if let error = builder.error { return .failure(error) }
            if status != 0 || context.pointee.wellFormed == 0 {
                return .failure(XMLReadError(.malformed, "document is not well-formed XML"))
            }
            guard let root = builder.root else {
                return .failure(XMLReadError(.malformed, "document has no root element"))
            }
            return .success(root)
        }
    }

    /// Once per process. No external entity loader is replaced: nothing in a parse reaches one,
    /// because a `<!DOCTYPE>` ends the parse before any DTD or entity is looked at.
    private static let initializeLibrary: Void = xmlInitParser()

    private static func makeHandler() -> xmlSAXHandler {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = { userData, localName, _, uri, _, _, attributeCount, _, attributes in
            TreeBuilder.from(userData).start(localName, uri, Int(attributeCount), attributes)
        }
        handler.endElementNs = { userData, _, _, _ in
            TreeBuilder.from(userData).end()
        }
        handler.characters = { userData, characters, length in
            TreeBuilder.from(userData).characters(characters, Int(length))
        }
        handler.cdataBlock = { userData, characters, length in
            TreeBuilder.from(userData).characters(characters, Int(length))
        }
        handler.internalSubset = { userData, _, _, _ in
            TreeBuilder.from(userData).fail(
                XMLReadError(.dtdForbidden, "a document type declaration (<!DOCTYPE>) is not allowed"))
        }
        handler.externalSubset = { userData, _, _, _ in
            TreeBuilder.from(userData).fail(
                XMLReadError(.dtdForbidden, "an external DTD subset is not allowed"))
        }
        handler.entityDecl = { userData, _, _, _, _, _ in
            TreeBuilder.from(userData).fail(
                XMLReadError(.dtdForbidden, "entity declarations are not allowed"))
        }
        handler.serror = { userData, error in
            guard let userData, let error else { return }
            TreeBuilder.from(userData).libraryError(error.pointee)
        }
        return handler
    }
}

/// Collects SAX events into an ``XMLElement`` tree. Lives for one parse, on one thread.
private final class TreeBuilder {
    let maxDepth: Int
    var context: xmlParserCtxtPtr?
    var open: [XMLElement] = []
    /// Character data of the open elements, as raw bytes; `textStart[i]` is where element `i`'s
    /// pending text begins. White space between child elements never becomes a `String`.
    var textBytes: [UInt8] = []
    var textStart: [Int] = []
    var root: XMLElement?
    var error: XMLReadError?
    /// libxml2 interns names and namespace URIs in its dictionary for the whole parse, so one
    /// Swift `String` per distinct pointer is enough.
    var interned: [UnsafeRawPointer: String] = [:]

    init(maxDepth: Int) {
        self.maxDepth = maxDepth
    }

    static func from(_ userData: UnsafeMutableRawPointer?) -> TreeBuilder {
        Unmanaged<TreeBuilder>.fromOpaque(userData!).takeUnretainedValue()
    }

    func intern(_ name: UnsafePointer<xmlChar>?) -> String {
        guard let name else { return "" }
        let key = UnsafeRawPointer(name)
        if let string = interned[key] { return string }
        let string = String(cString: name)
        interned[key] = string
        return string
    }

    func start(
        _ localName: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?, _ attributeCount: Int,
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        guard error == nil else { return }
        if open.count >= maxDepth {
            fail(XMLReadError(.tooDeep, "elements are nested deeper than the limit of \(maxDepth)"))
            return
        }
        flushText(keepingWhitespace: false)
        var element = XMLElement(
            name: intern(localName), namespace: intern(uri),
            line: context.map { Int(xmlSAX2GetLineNumber($0)) } ?? 0)
        if attributeCount > 0, let attributes {
            element.attributes.reserveCapacity(attributeCount)
            for index in 0..<attributeCount {
                // Five pointers per attribute: local name, prefix, URI, value start, value end.
                let base = index * 5
                guard let start = attributes[base + 3], let end = attributes[base + 4] else { continue }
                let value = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
                element.attributes.append(
                    XMLAttribute(name: intern(attributes[base]), namespace: intern(attributes[base + 2]), value: value))
            }
        }
        open.append(element)
        textStart.append(textBytes.count)
    }

    /// Moves the pending bytes of the innermost open element into its `text`. Pure white space
    /// before a child element is dropped: it is layout, not content.
    func flushText(keepingWhitespace: Bool) {
        guard let start = textStart.last, start < textBytes.count else { return }
        let isWhitespace = textBytes[start...].allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }
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

    func end() {
        guard error == nil, !open.isEmpty else { return }
        // A leaf keeps white-space-only text; an element with children does not.
        flushText(keepingWhitespace: open[open.count - 1].children.isEmpty)
        textStart.removeLast()
        let element = open.removeLast()
        if open.isEmpty {
            root = element
        } else {
            open[open.count - 1].children.append(element)
        }
    }

    func characters(_ characters: UnsafePointer<xmlChar>?, _ length: Int) {
        guard error == nil, !open.isEmpty, let characters, length > 0 else { return }
        textBytes.append(contentsOf: UnsafeBufferPointer(start: characters, count: length))
    }

    func fail(_ failure: XMLReadError) {
        if error == nil { error = failure }
        if let context { xmlStopParser(context) }
    }

    func libraryError(_ libraryError: xmlError) {
        guard error == nil, libraryError.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        var message = libraryError.message.map { String(cString: $0) } ?? "malformed XML"
        while message.last?.isNewline == true { message.removeLast() }
        let code: XMLReadError.Code =
            libraryError.code == Int32(XML_ERR_UNDECLARED_ENTITY.rawValue)
                || libraryError.code == Int32(XML_WAR_UNDECLARED_ENTITY.rawValue)
            ? .entityForbidden : .malformed
        error = XMLReadError(code, message, line: Int(libraryError.line))
    }
}
