import HardenedXML
import Testing

/// Cutting a document out of an envelope: its bytes as written, plus exactly the namespace
/// declarations it inherits and uses.
@Suite("Excerpts of embedded documents")
struct XMLExcerptTests {
    static let soap = "http://schemas.xmlsoap.org/soap/envelope/"
    static let api = "urn:api"
    static let path = [XMLName(soap, "Envelope"), XMLName(soap, "Body"), XMLName(api, "Send"), XMLName(api, "Payload")]

    func excerpt(_ inner: String, envelopeAttributes: String = "", payloadAttributes: String = "") throws -> String? {
        let envelope = """
            <?xml version="1.0" encoding="UTF-8"?>
            <s:Envelope xmlns:s="\(Self.soap)"\(envelopeAttributes)><s:Body><Send xmlns="\(Self.api)">\
            <Payload\(payloadAttributes)>\(inner)</Payload></Send></s:Body></s:Envelope>
            """
        _ = try XMLReader().read(Array(envelope.utf8))  // the excerpt is taken from accepted documents only
        return try XMLExcerpt.firstChildElement(under: Self.path, in: Array(envelope.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("Comments, processing instructions, CDATA and white space around and inside are kept as written")
    func keptAsWritten() throws {
        let inner = "<i:Invoice xmlns:i=\"urn:inv\" a='x>y'>\r\n<!-- <not:a tag> -->\n<?pi <x>?><![CDATA[</i:Invoice>]]><i:Line/>\t</i:Invoice>"
        #expect(try excerpt("\n  <!-- before -->" + inner + "<!-- after -->\n") == inner)
    }

    @Test("A prefix declared on the envelope and used inside is declared on the excerpt's root, as written there")
    func inheritedPrefix() throws {
        let result = try excerpt(
            "<i:Invoice xmlns:i=\"urn:inv\"><cbc:ID>1</cbc:ID><x:y xmlns:x='urn:x'/></i:Invoice>",
            envelopeAttributes: " xmlns:cbc = 'urn:cbc' xmlns:unused=\"urn:unused\"")
        #expect(result == "<i:Invoice xmlns:cbc = 'urn:cbc' xmlns:i=\"urn:inv\"><cbc:ID>1</cbc:ID><x:y xmlns:x='urn:x'/></i:Invoice>")
    }

    @Test("The nearest declaration wins; a prefix redeclared inside is not inherited; attributes count as uses")
    func nearestDeclaration() throws {
        let result = try excerpt(
            "<Invoice xmlns=\"urn:inv\" p:a=\"1\"><p:x xmlns:p=\"urn:inner\"/></Invoice>",
            envelopeAttributes: " xmlns:p=\"urn:outer\"", payloadAttributes: " xmlns:p=\"urn:nearer\"")
        #expect(result == "<Invoice xmlns:p=\"urn:nearer\" xmlns=\"urn:inv\" p:a=\"1\"><p:x xmlns:p=\"urn:inner\"/></Invoice>")
    }

    @Test("An unprefixed element without its own default namespace takes the inherited one, or xmlns=\"\" when there is none")
    func inheritedDefault() throws {
        // Inside Send the default namespace is the API's.
        #expect(try excerpt("<Invoice><ID>1</ID></Invoice>") == "<Invoice xmlns=\"urn:api\"><ID>1</ID></Invoice>")
        let noDefault = """
            <s:Envelope xmlns:s="\(Self.soap)"><s:Body><a:Send xmlns:a="\(Self.api)"><a:Payload>\
            <Invoice/></a:Payload></a:Send></s:Body></s:Envelope>
            """
        let excerpt = try XMLExcerpt.firstChildElement(under: Self.path, in: Array(noDefault.utf8))
        #expect(excerpt.map { String(decoding: $0, as: UTF8.self) } == "<Invoice xmlns=\"\"/>")
    }

    @Test("A missing path or an empty payload gives nil; the root element alone comes without its prolog")
    func missingAndRoot() throws {
        #expect(try excerpt("  <!-- nothing -->  ") == nil)
        let document = "\u{FEFF}<?xml version='1.0'?>\n<!-- c --><r xmlns='urn:r'><a/></r>\n<!-- trailing -->"
        #expect(try XMLExcerpt.rootElement(in: Array(document.utf8)).map { String(decoding: $0, as: UTF8.self) } == "<r xmlns='urn:r'><a/></r>")
    }

    @Test("Documents in another encoding than UTF-8 are refused: their bytes are not the text")
    func otherEncodings() throws {
        let latin1 = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>caf\u{E9}</r>".utf8)
        for bytes in [latin1, [0xFF, 0xFE, 0x3C, 0x00]] {
            let error = #expect(throws: XMLReadError.self) { try XMLExcerpt.rootElement(in: bytes) }
            #expect(error?.code == .notUTF8)
        }
        let plain = try XMLExcerpt.rootElement(in: Array("<?xml version='1.0' encoding='utf-8'?><r/>".utf8))
        #expect(plain.map { String(decoding: $0, as: UTF8.self) } == "<r/>")
    }

    @Test("A reader told to leave an element opaque checks its content but keeps none of it")
    func opaqueElements() throws {
        let envelope = Array("<e><Payload><big><a>1</a><b/></big></Payload><after>x</after></e>".utf8)
        let root = try XMLReader(opaqueElements: [XMLName("", "Payload")]).read(envelope)
        #expect(root.children.map(\.name) == ["Payload", "after"])
        #expect(root.children[0].children.isEmpty)
        #expect(root.children[1].text == "x")
        #expect(throws: XMLReadError.self) {
            try XMLReader(opaqueElements: [XMLName("", "Payload")]).read(Array("<e><Payload><a></b></Payload></e>".utf8))
        }
    }
}
