import AsyncHTTPClient
import Foundation
import PeppolAS4
import PeppolDiscovery

/// How this platform takes part in the Peppol network: its access point identity, whom it
/// trusts, where it looks participants up, and the address others reach it at.
public struct PeppolSettings: Sendable {
    /// The access point's certificate and key: signs messages, receipts and SMP answers, and
    /// decrypts what is sent to it.
    public var identity: AccessPointIdentity
    /// The Peppol access point CA (root and intermediate) partners' certificates must chain to.
    public var accessPointTrust: AS4Trust
    /// The SMP CA that signs the metadata of other SMPs. Not the access point CA: an access point
    /// certificate must not be able to vouch for where a participant receives.
    public var smpTrust: AS4Trust
    /// The DNS server the SML zone is resolved with, and the zone.
    public var dns: DNSResolver
    public var smlZone: String
    /// This instance as others reach it, without a trailing slash (`https://ap.example.nl`):
    /// the AS4 endpoint is `<publicURL>/as4`, the SMP `<publicURL>/smp`.
    public var publicURL: String
    /// How long a lookup is remembered, found or not.
    public var cacheLifetime: Duration
    public var limits: AS4Limits

    public init(
        identity: AccessPointIdentity, accessPointTrust: AS4Trust, smpTrust: AS4Trust, dns: DNSResolver,
        smlZone: String, publicURL: String, cacheLifetime: Duration = .seconds(600), limits: AS4Limits = AS4Limits()
    ) {
        self.identity = identity
        self.accessPointTrust = accessPointTrust
        self.smpTrust = smpTrust
        self.dns = dns
        self.smlZone = smlZone
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.cacheLifetime = cacheLifetime
        self.limits = limits
    }

    /// Whether partners' and SMPs' certificates are checked for revocation, at the OCSP
    /// responder each names.
    public enum RevocationChecking: String, Sendable, CaseIterable {
        /// Not checked.
        case off
        /// A certificate the responder says is revoked or unknown is refused; one whose responder
        /// cannot be reached passes.
        case soft
        /// A certificate whose status cannot be learned is refused as well.
        case hard
    }

    /// Sets how certificates are checked for revocation, on both trust stores.
    public mutating func checkRevocation(_ mode: RevocationChecking, http: HTTPClient = PeppolGateway.http) {
        let revocation: AS4Trust.Revocation? =
            switch mode {
            case .off: nil
            case .soft: AS4Trust.Revocation(failureMode: .soft, requester: OCSPOverHTTP(http: http, unreachableIsFatal: false))
            case .hard: AS4Trust.Revocation(failureMode: .hard, requester: OCSPOverHTTP(http: http, unreachableIsFatal: true))
            }
        accessPointTrust.revocation = revocation
        smpTrust.revocation = revocation
    }

    /// Reads the PEM files an operator configures: certificate, key, trusted CA certificates.
    public static func load(
        certificate: String, key: String, trust: String, smpTrust: String, dnsServer: String?, dnsPort: Int = 53,
        smlZone: String, publicURL: String, revocation: RevocationChecking = .off
    ) throws -> PeppolSettings {
        func read(_ path: String) throws -> String {
            do {
                return try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw PeppolSettingsError(message: "cannot read \(path)")
            }
        }
        let identity = try AccessPointIdentity(certificatePEM: try read(certificate), privateKeyPEM: try read(key))
        func trustStore(_ path: String) throws -> AS4Trust {
            do {
                return try AS4Trust(pem: try read(path))
            } catch let error as AS4Error {
                throw PeppolSettingsError(message: "\(path): \(error.detail)")
            }
        }
        var settings = PeppolSettings(
            identity: identity, accessPointTrust: try trustStore(trust), smpTrust: try trustStore(smpTrust),
            dns: DNSResolver(server: dnsServer, port: dnsPort), smlZone: smlZone, publicURL: publicURL)
        settings.checkRevocation(revocation)
        return settings
    }
}

public struct PeppolSettingsError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { "\(message) [peppol.settings]" }
}
