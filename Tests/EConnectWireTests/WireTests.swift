import EConnectWire
import EInvoiceTestSupport
import Foundation
import HardenedXML
import Testing

@Suite("Quick Connect text")
struct QuickConnectTests {
    @Test("Round trip of the platform's own text")
    func roundTrip() throws {
        let text = "APP_KEY:abc123;SECRET_KEY:s3cr3t;EMAIL_ID:facturen@example.nl;COMPANY_ID:XCNL10017;"
        let parsed = try QuickConnect(parsing: text)
        #expect(parsed == QuickConnect(appKey: "abc123", secret: "s3cr3t", email: "facturen@example.nl", companyID: "XCNL10017"))
        #expect(parsed.text == text)
        // Interpolated (a log line, an error message), the Secret is masked.
        #expect("\(parsed)" == "APP_KEY:abc123;SECRET_KEY:****;EMAIL_ID:facturen@example.nl;COMPANY_ID:XCNL10017;")
    }

    @Test("Pasted text: any case, line breaks, no trailing semicolon, no company")
    func tolerant() throws {
        let parsed = try QuickConnect(parsing: " app_key: k \r\n;Secret_Key:s\n;EMAIL_ID:")
        #expect(parsed.appKey == "k")
        #expect(parsed.secret == "s")
        #expect(parsed.email == nil)
        #expect(parsed.companyID == nil)
    }

    @Test("A text without key or secret is refused with a stable code", arguments: ["", "APP_KEY:k;", "SECRET_KEY:s", "garbage"])
    func refused(_ text: String) {
        #expect(throws: QuickConnectError.self) { try QuickConnect(parsing: text) }
        do { _ = try QuickConnect(parsing: text) } catch { #expect(error.code == .invalid) }
    }
}

@Suite("SOAP envelopes")
struct EnvelopeTests {
    func envelope(_ body: String, header: String = "") -> [UInt8] {
        Array("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\(header)<s:Body>\(body)</s:Body></s:Envelope>".utf8)
    }

    @Test("Token from the Authentication header, with either header form of the documentation")
    func token() throws {
        for header in [
            "<s:Header><Authentication xmlns=\"http://api.everbinding.nl/v3_1/\"><SecurityToken> T </SecurityToken></Authentication></s:Header>",
            "<s:Header><h:Authentication xmlns:h=\"http://api.everbinding.nl/v3_1/\" xmlns=\"http://api.everbinding.nl/v3_1/\"><SecurityToken>T</SecurityToken></h:Authentication></s:Header>",
        ] {
            let request = try SOAPRequest.parse(
                envelope("<GetAccountDetails xmlns=\"http://api.everbinding.nl/v3_1/\"/>", header: header),
                soapAction: "http://api.everbinding.nl/v3_1/GetAccountDetails")
            #expect(request.securityToken == "T")
            #expect(request.operation == .getAccountDetails)
            #expect(request.version == .v3_1)
        }
    }

    @Test("Namespace and SOAPAction must agree; unknown namespaces and broken XML are faults")
    func faults() {
        let login = envelope("<Login xmlns=\"http://api.everbinding.nl/v3/\"><ConsumerKey>k</ConsumerKey><ConsumerSecret>s</ConsumerSecret></Login>")
        #expect(throws: Never.self) { try SOAPRequest.parse(login, soapAction: "\"http://api.everbinding.nl/v3/Login\"") }
        func code(_ bytes: [UInt8], _ action: String?) -> String? {
            do {
                _ = try SOAPRequest.parse(bytes, soapAction: action)
                return nil
            } catch { return error.code.rawValue }
        }
        #expect(code(login, "http://api.everbinding.nl/v3_1/Login") == "ERRCDO4000041")
        #expect(code(envelope("<Login xmlns=\"urn:other\"/>"), nil) == "ERRCDO4000041")
        #expect(code(Array("<s:Envelope".utf8), nil) == "ERRIER8000006")
        #expect(code(envelope("<Login xmlns=\"http://api.everbinding.nl/v3/\"/>"), nil) == "ERRREQ4000001")
        #expect(code(envelope("<Nonsense xmlns=\"http://api.everbinding.nl/v3/\"/>"), nil) == "ERRCDO4000042")
    }

    @Test("The document read with the envelope is always the one kept as bytes, whatever the envelope's shape")
    func payloadReadIsPayloadKept() throws {
        let v3 = "http://api.everbinding.nl/v3/", v31 = "http://api.everbinding.nl/v3_1/"
        func send(_ payloads: String, namespace: String = v31, payloadNamespace: String? = nil) -> String {
            let p = payloadNamespace.map { "p:Payload xmlns:p=\"\($0)\"" } ?? "Payload"
            let close = payloadNamespace == nil ? "Payload" : "p:Payload"
            return "<SendDocument xmlns=\"\(namespace)\"><Via><ReferenceId>A</ReferenceId></Via><To><ReferenceId>B</ReferenceId></To>"
                + payloads.replacingOccurrences(of: "<Payload>", with: "<\(p)>").replacingOccurrences(of: "</Payload>", with: "</\(close)>")
                + "<TemplateId>T</TemplateId></SendDocument>"
        }
        let shapes: [(body: String, header: String)] = [
            (send("<Payload>\n  <X a=\"1\">x<Y/></X></Payload>"), ""),
            (send("<Payload/><Payload><Second/></Payload>"), ""),
            (send("<Payload> </Payload><Payload><Second/><Third/></Payload>"), ""),
            (send("<Payload><First/><Other/></Payload><Payload><Later/></Payload>"), ""),
            (send("<Payload><Z/></Payload>", namespace: v3, payloadNamespace: v31), ""),
            (send("<Payload/>", namespace: v3) + send("<Payload><InSecond/></Payload>", namespace: v3), ""),
            (send("<Payload/>") + send("<Payload><InSecond/></Payload>", namespace: v3), ""),
            (send("<Payload><Outer><Payload xmlns=\"\(v31)\"><Inner/></Payload></Outer></Payload>"), ""),
            (send("<Payload><Real/></Payload>"), "<s:Header><Payload xmlns=\"\(v31)\"><InHeader/></Payload></s:Header>"),
            ("<GetParty xmlns=\"\(v31)\"><Payload><NotSent/></Payload><ReferenceId>R</ReferenceId></GetParty>" + send("<Payload><X/></Payload>"), ""),
        ]
        var read = 0
        for shape in shapes {
            let recorder = ElementRecorder()
            guard let request = try? SOAPRequest.parse(envelope(shape.body, header: shape.header), soapAction: nil, payloadInto: recorder),
                case .sendDocument(let send) = request.body
            else { continue }
            if send.payloadRead {
                read += 1
                #expect(recorder.events == ElementRecorder.events(of: try XMLReader().read(Array(send.payload.utf8))), "\(shape.body)")
            }
        }
        #expect(read == 7)
    }

    @Test("A request written by Envelope.request reads back with its operation, version and token")
    func requestRoundTrip() throws {
        for version in APIVersion.allCases {
            let xml = Envelope.request(
                "GetInboxDocument", body: "<ExternalId>XCNIN1</ExternalId>", securityToken: "a+b/c=", version: version)
            let request = try SOAPRequest.parse(Array(xml.utf8), soapAction: version.soapAction(.getInboxDocument))
            #expect(request.version == version)
            #expect(request.securityToken == "a+b/c=")
            guard case .getDocument(.inbox, let id) = request.body else {
                Issue.record("not a GetInboxDocument: \(request.body)")
                continue
            }
            #expect(id == "XCNIN1")
        }
    }

    @Test("Fault text is Message [CODE] in faultstring and detail/Message")
    func faultShape() throws {
        let xml = Envelope.fault(.invalidKey, version: .v3_1)
        let root = try XMLReader().read(Array(xml.utf8))
        let fault = try #require(root.children.first?.children.first)
        #expect(fault.name == "Fault")
        let text = "Invalid consumer key or no such app available in registry [ERRIAU6000007]"
        #expect(fault.children.first { $0.name == "faultstring" }?.text == text)
        #expect(fault.children.first { $0.name == "detail" }?.children.first?.text == text)
        #expect(SOAPFault(faultString: text)?.code.rawValue == "ERRIAU6000007")
    }
}

@Suite("Wire dates and payload serialization")
struct WireFormatTests {
    @Test(
        "xs:dateTime in the forms clients send",
        arguments: [
            ("2017-01-02T08:39:35.415Z", 1_483_346_375.415),
            ("2016-02-01T16:12:09.924+01:00", 1_454_339_529.924),
            ("2017-01-10T00:00:00", 1_484_006_400.0),
            ("1900-01-01T01:01:01.0000000+00:00", -2_208_985_139.0),
        ])
    func parse(_ text: String, _ seconds: Double) throws {
        let date = try #require(WireDate.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.0005)
    }

    @Test("Dates are written in UTC with milliseconds and read back")
    func format() throws {
        let date = Date(timeIntervalSince1970: 1_483_346_375.415)
        #expect(WireDate.format(date) == "2017-01-02T08:39:35.415Z")
        #expect(WireDate.parse("2017-13-02T08:39:35Z") == nil)
        #expect(WireDate.parse("yesterday") == nil)
    }

    @Test("An embedded document is written back with its namespaces declared once, and reads the same")
    func serialization() throws {
        let text = """
            <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:q="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"><cbc:ID>A &amp; B &lt;1&gt;</cbc:ID><q:AccountingSupplierParty><q:Party><cbc:EndpointID schemeID="0106">12345678</cbc:EndpointID></q:Party></q:AccountingSupplierParty><cbc:Note/></Invoice>
            """
        let element = try XMLReader().read(Array(text.utf8))
        let written = element.serializedXML()
        #expect(written.hasPrefix("<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\""))
        #expect(written.contains("<cac:AccountingSupplierParty>"))
        #expect(written.components(separatedBy: "xmlns:cbc=").count == 2)
        #expect(try XMLReader().read(Array(written.utf8)) == element)
    }
}

/// What the SOAP request fuzz target found, replayed: a request or a fault, and a request writes
/// back as an envelope.
struct FuzzRegressionTests {
    @Test func soapRequestInputs() throws {
        let inputs = FuzzRegressions.inputs("soap-request")
        #expect(!inputs.isEmpty)
        for (_, bytes) in inputs {
            // As the server reads them: the document in a SendDocument handed to a sink.
            let read = ElementRecorder()
            guard let request = try? SOAPRequest.parse(bytes, soapAction: nil, payloadInto: read) else { continue }
            #expect(!Envelope.request(request.body, securityToken: request.securityToken, version: request.version).isEmpty)
            if case .sendDocument(let send) = request.body, send.payloadRead {
                #expect(read.events == ElementRecorder.events(of: try XMLReader().read(Array(send.payload.utf8))))
            }
        }
    }
}
