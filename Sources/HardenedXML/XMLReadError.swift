/// Why a document could not be read as XML. `code` is stable and meant for programs; `message` is
/// for people.
public struct XMLReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Not well-formed XML (or not XML at all).
        public static let malformed = Code(rawValue: "xml.malformed")
        /// Larger than ``XMLReader/Limits/maxBytes``.
        public static let tooLarge = Code(rawValue: "xml.too-large")
        /// Nested deeper than ``XMLReader/Limits/maxDepth``.
        public static let tooDeep = Code(rawValue: "xml.too-deep")
        /// An element with more attributes than ``XMLReader/Limits/maxAttributes``.
        public static let tooManyAttributes = Code(rawValue: "xml.too-many-attributes")
        /// More namespace declarations in scope than ``XMLReader/Limits/maxNamespaceDeclarations``.
        public static let tooManyNamespaces = Code(rawValue: "xml.too-many-namespaces")
        /// More elements and attributes than one per ``XMLReader/Limits/minimumBytesPerNode`` bytes.
        public static let tooManyNodes = Code(rawValue: "xml.too-many-nodes")
        /// Contains a document type declaration, DTD or entity declaration.
        public static let dtdForbidden = Code(rawValue: "xml.dtd-forbidden")
        /// Refers to an entity other than the five predefined ones.
        public static let entityForbidden = Code(rawValue: "xml.entity-forbidden")
        /// Encoded in something other than UTF-8, where the document's bytes must be kept as text.
        public static let notUTF8 = Code(rawValue: "xml.not-utf8")
    }

    public var code: Code
    public var message: String
    /// The line of the input the problem was found on, when known.
    public var line: Int?

    public init(_ code: Code, _ message: String, line: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
    }

    public var description: String {
        if let line, line > 0 { return "\(message) (line \(line)) [\(code)]" }
        return "\(message) [\(code)]"
    }
}
