import EConnectWire
import EInvoice
import EInvoiceTestSupport
import Foundation
import HardenedXML
import Platform
import Testing

@Suite("SOAP API conformance with the reference WSDL")
struct ConformanceTests {
    /// Calls every operation with a request that succeeds and returns the answers, by operation.
    func answers(version: APIVersion) async throws -> [(String, SOAPTestClient.Answer)] {
        let fixture = try await PlatformFixture.make()
        return try await fixture.withServer { soap in
            var answers: [(String, SOAPTestClient.Answer)] = []
            let login = try await soap.call(
                "Login",
                "<ConsumerKey>\(fixture.supplier.appKey)</ConsumerKey><ConsumerSecret>\(fixture.supplier.secret)</ConsumerSecret>",
                version: version)
            answers.append(("Login", login))
            let sender = try #require(login.text("SecurityToken"))
            let receiver = try await soap.login(fixture.customer, version: version)
            var invoice = ExampleInvoices.siUBL(number: "F-CONFORM")
            invoice.supportingDocuments.append(
                SupportingDocument(
                    id: Identifier("PDF-1"), description: "Factuur als PDF",
                    attachment: BinaryObject(content: Array("%PDF-1.4\n%efactuur\n".utf8), mimeCode: "application/pdf", filename: "F-CONFORM.pdf")))
            let send = try await soap.send(
                String(decoding: UBLWriter().write(invoice), as: UTF8.self), via: fixture.supplier.partyID,
                to: fixture.customer.partyID, token: sender, version: version)
            answers.append(("SendDocument", send))
            let id = try #require(send.text("ExternalId"), "\(send.fault?.faultString ?? "")")
            let paging = "<Paging><Limit>5</Limit></Paging>"
            let search =
                "<Search><CreatedOn><To xsi:nil=\"true\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/><From>2020-01-01T00:00:00Z</From></CreatedOn></Search>"
            let calls: [(String, String, String)] = [
                ("GetAccountDetails", "", sender),
                ("GetAccountParties", "<Search/>" + paging, sender),
                ("GetParties", "<Search><CountryCode>NL</CountryCode></Search>" + paging, sender),
                ("GetParty", "<ReferenceId>\(fixture.customer.partyID)</ReferenceId>", sender),
                ("GetOutboxDocuments", paging + search, sender),
                ("GetOutboxDocument", "<ExternalId>\(id)</ExternalId>", sender),
                ("GetOutboxDocumentStatus", "<ExternalId>\(id)</ExternalId>", sender),
                ("GetInboxDocuments", "<GroupId>\(fixture.customer.partyID)</GroupId>" + paging + search, receiver),
                ("GetInboxDocument", "<ExternalId>\(id)</ExternalId>", receiver),
                ("SetInboxDocumentStatus", "<ExternalId>\(id)</ExternalId><StatusCode>20</StatusCode>", receiver),
                ("GetInboxDocumentStatus", "<ExternalId>\(id)</ExternalId>", receiver),
                ("GetDocuments", paging, sender),
                ("GetDocumentPdf", "<ExternalId>\(id)</ExternalId>", receiver),
            ]
            for (operation, body, token) in calls {
                answers.append((operation, try await soap.call(operation, body, token: token, version: version)))
            }
            return answers
        }
    }

    @Test("Every answer's body is valid against the reference WSDL's schema and our own", arguments: APIVersion.allCases)
    func responsesMatchSchema(_ version: APIVersion) async throws {
        let reference = try ReferenceWSDLSchema.validator(namespace: version.namespace)
        let own = XMLSchemaValidator(.text(WSDL.schema(version: version)))
        let answers = try await answers(version: version)
        #expect(Set(answers.map(\.0)).count == 15)
        for (operation, answer) in answers {
            #expect(answer.status == 200, "\(operation): \(answer.fault?.faultString ?? "")")
            #expect(answer.body.name == Operation(rawValue: operation)!.responseElement)
            let body = Array(answer.body.serializedXML().utf8)
            #expect(reference.errors(in: body) == [], "\(operation) against the reference WSDL")
            #expect(own.errors(in: body) == [], "\(operation) against our WSDL")
        }
        // The sixteenth, GetDocument, answers with a fault: the platform keeps no drafts.

        // The check has teeth: the documentation's spelling `Receiver` is not the WSDL's.
        let outbox = try #require(answers.first { $0.0 == "GetOutboxDocument" }?.1.body.serializedXML())
        #expect(outbox.contains("<Reciever>"))
        let misspelled = outbox.replacingOccurrences(of: "Reciever>", with: "Receiver>")
        #expect(!reference.errors(in: Array(misspelled.utf8)).isEmpty)
    }

    @Test("The PDF embedded in the invoice comes back from GetDocumentPdf")
    func pdf() async throws {
        let answers = try await answers(version: .v3_1)
        let pdf = try #require(answers.first { $0.0 == "GetDocumentPdf" }?.1)
        #expect(pdf.text("File", "Name") == "F-CONFORM.pdf")
        #expect(pdf.text("File", "Contents").flatMap { Data(base64Encoded: $0) } == Data("%PDF-1.4\n%efactuur\n".utf8))
    }

    @Test("Without an embedded PDF, GetDocumentPdf answers with the platform's rendering, for both sides")
    func renderedPDF() async throws {
        let fixture = try await PlatformFixture.make()
        try await fixture.withServer { soap in
            let supplier = try await soap.login(fixture.supplier)
            let sent = try await soap.send(
                PlatformFixture.invoice(number: "F-RENDER"), via: fixture.supplier.partyID, to: "0190:00000001003214321000",
                token: supplier)
            let id = try #require(sent.text("ExternalId"))
            let customer = try await soap.login(fixture.customer)
            for token in [supplier, customer] {
                let answer = try await soap.call("GetDocumentPdf", "<ExternalId>\(id)</ExternalId>", token: token)
                #expect(answer.text("File", "Name") == "F-RENDER.pdf")
                let pdf = try #require(answer.text("File", "Contents").flatMap { Data(base64Encoded: $0) })
                let text = String(decoding: pdf, as: UTF8.self)
                #expect(text.hasPrefix("%PDF-1.4"))
                #expect(text.contains("(Factuur F-RENDER)"))
                #expect(text.contains("(Delivery ID \(id) \\267 efactuur)"))
            }
        }
    }

    @Test("Each endpoint serves its WSDL: well-formed, its namespace, all 16 operations with their SOAPActions")
    func wsdl() async throws {
        let fixture = try await PlatformFixture.make()
        try await fixture.withServer { soap in
            for version in APIVersion.allCases {
                let response = try await soap.client.execute(uri: version.path + "?wsdl", method: .get)
                #expect(response.status.code == 200)
                let text = String(decoding: response.body.readableBytesView, as: UTF8.self)
                let root = try XMLReader().read(Array(text.utf8))
                #expect(root.attribute("targetNamespace") == version.namespace)
                let binding = try #require(root.children.first { $0.name == "binding" })
                let actions = binding.children.filter { $0.name == "operation" }.compactMap {
                    $0.children.first { $0.name == "operation" }?.attribute("soapAction")
                }
                #expect(Set(actions) == Set(Operation.allCases.map { version.soapAction($0) }))
                // The schema in it is the one the answers are checked against above.
                #expect(text.contains(WSDL.schema(version: version)))
            }
        }
    }
}
