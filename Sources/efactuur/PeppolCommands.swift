import ArgumentParser
import Foundation
import PeppolAS4
import PeppolDiscovery
import Platform
import PlatformPeppol

/// The Peppol options of `serve`: with a certificate and key the platform is an access point.
struct PeppolOptions: ParsableArguments {
    @Option(help: "The access point's certificate (PEM); with --peppol-key, the platform joins the Peppol network.")
    var peppolCertificate: String?
    @Option(help: "The access point's private key (PEM, PKCS#8 or PKCS#1).") var peppolKey: String?
    @Option(help: "The Peppol root and access point CA certificates (PEM) partners' certificates must chain to.")
    var peppolTrust: String?
    @Option(help: "The root and SMP CA certificates (PEM) SMPs sign their metadata with (the Peppol SMP CA, not the access point CA).")
    var peppolSMPTrust: String?
    @Option(help: "DNS server for SML lookups, HOST or HOST:PORT (default: the first nameserver of /etc/resolv.conf).")
    var peppolDNS: String?
    @Option(help: "The SML zone participants are published in.") var peppolSMLZone = SMLName.testZone
    @Option(
        help: """
            Check partners' and SMPs' certificates at the OCSP responder each names: off, soft (refuse a revoked \
            or unknown certificate) or hard (also refuse one whose responder cannot be reached).
            """)
    var peppolRevocation: PeppolSettings.RevocationChecking = .soft

    var isEnabled: Bool { peppolCertificate != nil || peppolKey != nil }

    func validate() throws {
        guard (peppolCertificate == nil) == (peppolKey == nil) else {
            throw ValidationError("--peppol-certificate and --peppol-key go together")
        }
        if isEnabled && peppolTrust == nil { throw ValidationError("--peppol-trust is needed to check partners' certificates") }
        if isEnabled && peppolSMPTrust == nil { throw ValidationError("--peppol-smp-trust is needed to check what SMPs publish") }
    }

    /// `publicURL`: this platform's address as other access points reach it.
    func settings(publicURL: String) throws -> PeppolSettings? {
        guard let certificate = peppolCertificate, let key = peppolKey, let trust = peppolTrust, let smpTrust = peppolSMPTrust else {
            return nil
        }
        let (dnsHost, dnsPort) = try dnsServer(peppolDNS, option: "--peppol-dns")
        do {
            return try PeppolSettings.load(
                certificate: certificate, key: key, trust: trust, smpTrust: smpTrust, dnsServer: dnsHost, dnsPort: dnsPort,
                smlZone: peppolSMLZone, publicURL: publicURL, revocation: peppolRevocation)
        } catch {
            throw ValidationError("Peppol: \(error)")
        }
    }
}

extension PeppolSettings.RevocationChecking: ExpressibleByArgument {}

struct PeppolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peppol", abstract: "The Peppol network: a local test PKI, and participant lookups.",
        subcommands: [PKI.self, Lookup.self])

    struct PKI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pki",
            abstract: "Create a local test PKI: root → access point CA → one certificate per access point (PEM, as OpenSSL reads it).")

        @Option(help: "Folder to write into (created).") var out: String
        @Option(parsing: .upToNextOption, help: "Common names of the access points (their Peppol party ids).")
        var accessPoint: [String] = ["POP000001", "POP000002"]
        @Option(help: "Days the certificates are valid.") var days = 730

        func validate() throws {
            guard !accessPoint.isEmpty, accessPoint.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } })
            else { throw ValidationError("--access-point names are letters, digits and '-'") }
            guard (1...3650).contains(days) else { throw ValidationError("--days must be between 1 and 3650") }
        }

        func run() async throws {
            let pki = try LocalPKI.make(accessPoints: accessPoint, validFor: days)
            let folder = URL(fileURLWithPath: out)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                func write(_ text: String, _ name: String, secret: Bool = false) throws {
                    let url = folder.appendingPathComponent(name)
                    try Data(text.utf8).write(to: url)
                    if secret { try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path) }
                }
                try write(pki.root.certificatePEM, "root.pem")
                try write(pki.accessPointCA.certificatePEM, "ca.pem")
                try write(pki.root.certificatePEM + pki.accessPointCA.certificatePEM, "trust.pem")
                for issued in pki.accessPoints {
                    try write(issued.certificatePEM, "\(issued.commonName).pem")
                    try write(issued.privateKeyPEM, "\(issued.commonName).key", secret: true)
                }
            } catch {
                FileHandle.standardError.write(Data("error: cannot write into \(out): \(error.localizedDescription) [peppol.write-failed]\n".utf8))
                throw ExitCode(2)
            }
            print("root.pem, ca.pem, trust.pem (both, for --peppol-trust), and per access point NAME.pem and NAME.key in \(out)")
        }
    }

    struct Lookup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lookup",
            abstract: "Show where a participant receives a document type: SML name, SMP, and the AS4 endpoint the SMP publishes.")

        @Argument(help: "The participant, e.g. 0106:12345678.") var participant: String
        @Option(help: "The document type id (default: Peppol BIS 3 invoice).")
        var documentType = PeppolIdentifiers.invoiceDocumentType
        @Option(help: "The process id.") var process = PeppolIdentifiers.billingProcess
        @Option(help: "DNS server, HOST or HOST:PORT.") var dns: String?
        @Option(help: "The SML zone.") var zone = SMLName.testZone
        @Option(help: "Root and SMP CA certificates (PEM) the SMP's signature must chain to.") var smpTrust: String
        @Flag(help: "Print the result as one JSON object.") var json = false

        func run() async throws {
            guard let id = ParticipantID(participant) else {
                FileHandle.standardError.write(
                    Data("error: '\(participant)' is not a participant id like 0106:12345678 [peppol.invalid-participant]\n".utf8))
                throw ExitCode(2)
            }
            let (host, port) = try dnsServer(dns, option: "--dns")
            let resolver = DNSResolver(server: host, port: port)
            do {
                let trust = try AS4Trust(pem: try String(contentsOfFile: smpTrust, encoding: .utf8))
                let directory = PeppolDirectory(dns: resolver, zone: zone, smpTrust: trust)
                let smp = try await directory.smp(id)
                let endpoint = try await directory.endpoint(id.description, PeppolDocumentType(documentType: documentType, process: process))
                let fields: [(String, String)] = [
                    ("participant", id.description), ("smlName", SMLName.naptrName(id, zone: zone)), ("smp", smp),
                    ("address", endpoint.address), ("accessPoint", (try? AS4Certificate.commonName(of: endpoint.certificate)) ?? ""),
                    ("activation", endpoint.activation.map { "\($0)" } ?? ""), ("expiration", endpoint.expiration.map { "\($0)" } ?? ""),
                ]
                if json {
                    let data = try JSONSerialization.data(withJSONObject: Dictionary(uniqueKeysWithValues: fields), options: [.sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    for (key, value) in fields { print(key.padding(toLength: 12, withPad: " ", startingAt: 0) + value) }
                }
            } catch let error as DiscoveryError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            } catch let error as AS4Error {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            } catch let error as CocoaError {
                FileHandle.standardError.write(Data("error: cannot read \(smpTrust): \(error.localizedDescription) [peppol.unreadable-file]\n".utf8))
                throw ExitCode(2)
            }
        }
    }
}

/// A DNS server option, HOST or HOST:PORT (port 53 when not given); nil for the system's.
func dnsServer(_ text: String?, option: String) throws -> (host: String?, port: Int) {
    guard let text, !text.isEmpty else { return (nil, 53) }
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    guard parts.count == 2 else { return (parts[0], 53) }
    guard let port = Int(parts[1]), (1...65_535).contains(port) else { throw ValidationError("\(option) port: \(parts[1])") }
    return (parts[0], port)
}
