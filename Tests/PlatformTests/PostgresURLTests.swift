import Foundation
import Platform
import PlatformPostgres
import PlatformTestSupport
import PostgresNIO
import Testing

@Suite("The --postgres URL, TLS as it asks", .timeLimit(.minutes(10)))
struct PostgresURLTests {
    @Test("sslmode chooses TLS; an unknown mode or a broken URL is refused without echoing the password")
    func modes() throws {
        let plain = try PostgresPlatformStore.configuration(url: "postgres://u:geheim@db.example:6543/boeken")
        #expect(plain.host == "db.example")
        #expect(plain.port == 6543)
        #expect(plain.database == "boeken")
        #expect(plain.password == "geheim")
        // PostgresNIO keeps the choice private; its description shows it.
        #expect("\(plain.tls)".contains("disable"))
        for (mode, base, verification) in [
            ("prefer", "prefer", "none"), ("require", "require", "none"), ("verify-ca", "require", "noHostnameVerification"),
            ("verify-full", "require", "fullVerification"),
        ] {
            let tls = "\(try PostgresPlatformStore.configuration(url: "postgres://u@db.example/boeken?sslmode=\(mode)").tls)"
            #expect(tls.contains(".\(base)(") && tls.contains("certificateVerification: NIOSSL.CertificateVerification.\(verification)"), "\(tls)")
        }
        #expect(throws: PlatformStoreError.self) {
            try PostgresPlatformStore.configuration(url: "postgres://u@db.example/boeken?sslmode=sometimes")
        }
        do {
            _ = try PostgresPlatformStore.configuration(url: "mysql://u:geheim@db.example/boeken")
            Issue.record("a mysql URL was taken")
        } catch {
            #expect(!"\(error)".contains("geheim"))
        }
    }

    @Test("sslmode=require against a server without TLS fails instead of talking in the clear")
    func requireRefusesPlainServer() async throws {
        let url = try await PostgresServer.shared().makeDatabase()
        do {
            _ = try await PostgresPlatformStore(url: url + "?sslmode=require", connectTimeout: .seconds(3))
            Issue.record("a session without TLS was accepted")
        } catch let error as PlatformStoreError {
            #expect(error.code == .unreachable, "\(error)")
        }
        // The same server without the demand works.
        _ = try await PostgresPlatformStore(url: url + "?sslmode=disable")
    }
}
