// Where an invoice's CPU time goes on its way over Peppol, stage by stage, in one process: what
// sender A and receiver B each do with the corpus's typical 17.6 KB SI-UBL invoice (the document
// `bench/peppol-send.sh` sends). The stages are the library calls the servers make; the sum is
// the floor under the end-to-end figure (which adds HTTP, SQLite and thread hand-offs).
//
//   swift run -c release --package-path bench PeppolBenchmarks [--seconds S] [--stage TEXT]
//
// `--stage` runs only the stages whose name contains TEXT (for a profiler).
import BenchSupport
import EConnectWire
import EInvoice
import EInvoiceRules
import Foundation
import HardenedXML
import PeppolAS4

let seconds = option("--seconds").flatMap { Double($0) } ?? 1
let onlyStage = option("--stage")
let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../../shared/corpus")
var invoice = try String(contentsOf: corpus.appendingPathComponent("si-ubl-2.0/SI-UBL-2.0_ok_full.xml"), encoding: .utf8)
if invoice.hasPrefix("<?xml") { invoice = String(invoice[invoice.index(after: invoice.firstIndex(where: \.isNewline)!)...]) }
let namespace = APIVersion.v3_1.namespace
let envelope = Array(
    """
    <s:Envelope xmlns:s="\(soapEnvelopeNamespace)"><s:Header><Authentication xmlns="\(namespace)"><SecurityToken>t</SecurityToken>\
    </Authentication></s:Header><s:Body><SendDocument xmlns="\(namespace)"><Via><ReferenceId>XCNL10001</ReferenceId></Via>\
    <To><ReferenceId>0190:00000001003214321000</ReferenceId></To><Subject>Factuur</Subject><Payload>\(invoice)</Payload>\
    <TemplateId>1</TemplateId></SendDocument></s:Body></s:Envelope>
    """.utf8)

let pki = try LocalPKI.make(accessPoints: ["POP000001", "POP000002"])
let a = try AccessPointIdentity(certificatePEM: pki.accessPoints[0].certificatePEM, privateKeyPEM: pki.accessPoints[0].privateKeyPEM)
let b = try AccessPointIdentity(certificatePEM: pki.accessPoints[1].certificatePEM, privateKeyPEM: pki.accessPoints[1].privateKeyPEM)
let trust = try AS4Trust(pem: pki.root.certificatePEM + pki.accessPointCA.certificatePEM)
let bCertificate = try AS4Certificate.pemCertificates(pki.accessPoints[1].certificatePEM)[0]
let inbound = AS4Inbound(identity: b, trust: trust)

let type = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0::2.1"
let process = "urn:fdc:nen.nl:nlcius:v1.0"
let header = UserMessage(
    fromParty: "", toParty: "", process: process, documentType: type, originalSender: "0106:12345678",
    finalRecipient: "0190:00000001003214321000")
let sbdHeader = BusinessDocumentHeader(
    sender: "0106:12345678", receiver: "0190:00000001003214321000", documentType: type, process: process, countryC1: "NL",
    standard: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", type: "Invoice")

// One message and its receipt, for the stages that read them.
let request = try SOAPRequest.parse(envelope, soapAction: nil)
guard case .sendDocument(let send) = request.body else { fatalError("not a SendDocument") }
let document = try Validator().read(Array(send.payload.utf8))
let sbd = try sbdHeader.wrapping(send.payload.utf8)
let message = try AS4Outbound.userMessage(header, businessDocument: sbd, from: a, to: bCertificate)
let received = try await inbound.open(body: message.body, contentType: message.contentType)
let receipt = try AS4Signal.receipt(for: received, from: b)
try await AS4Signal.checkReceipt(body: receipt, contentType: "application/soap+xml", for: message, trust: trust)

/// Async stages, timed like `measure`.
@MainActor func measureAsync(_ body: () async throws -> Void) async throws -> Double {
    try await body()
    let clock = ContinuousClock()
    var runs = 0
    let start = clock.now
    repeat {
        try await body()
        runs += 1
    } while clock.now - start < .seconds(seconds)
    return (clock.now - start).seconds / Double(runs)
}

var total = (a: 0.0, b: 0.0)
@MainActor func report(_ side: String, _ stage: String, _ measurement: () async throws -> Double) async rethrows {
    guard onlyStage.map({ stage.contains($0) }) ?? true else { return }
    let perRun = try await measurement()
    if side == "A" { total.a += perRun } else { total.b += perRun }
    print("\(side)  \(stage.padding(toLength: 58, withPad: " ", startingAt: 0)) \(format(perRun * 1e6, 0)) µs")
}
print("\(envelope.count) bytes SendDocument, \(sbd.count) bytes SBD, \(message.body.count) bytes AS4 message, \(receipt.count) bytes receipt")
try await report("A", "SendDocument read (envelope, payload bytes, document) + validation") {
    measure(seconds: seconds) {
        let reading = Validator.DocumentReading()
        _ = try! SOAPRequest.parse(envelope, soapAction: nil, payloadInto: reading)
        _ = Validator().validate(reading.document()!)
    }
}
try await report("A", "UBL head (for routing)") {
    measure(seconds: seconds) { _ = try! UBLReader().readHead(document.rootElement(keepingChildren: UBLReader.headElements)) }
}
try await report("A", "SBD wrapping") { measure(seconds: seconds) { _ = try! sbdHeader.wrapping(send.payload.utf8) } }
try await report("A", "AS4 user message (gzip, AES-GCM, OAEP, sign)") {
    measure(seconds: seconds) {
        _ = try! AS4Outbound.userMessage(header, businessDocument: sbd, from: a, to: bCertificate)
    }
}
try await report("B", "AS4 open (verify, decrypt, gunzip, SBD and document read) + validation") {
    try await measureAsync {
        let reading = Validator.DocumentReading()
        _ = try await inbound.open(body: message.body, contentType: message.contentType, documentInto: reading)
        _ = Validator().validate(reading.document()!)
    }
}
try await report("B", "UBL head (for routing)") {
    measure(seconds: seconds) { _ = try! UBLReader().readHead(document.rootElement(keepingChildren: UBLReader.headElements)) }
}
try await report("B", "signed receipt") { measure(seconds: seconds) { _ = try! AS4Signal.receipt(for: received, from: b) } }
try await report("A", "receipt check") {
    try await measureAsync {
        try await AS4Signal.checkReceipt(body: receipt, contentType: "application/soap+xml", for: message, trust: trust)
    }
}
print("A \(format(total.a * 1e3, 2)) ms, B \(format(total.b * 1e3, 2)) ms of library work an invoice")
