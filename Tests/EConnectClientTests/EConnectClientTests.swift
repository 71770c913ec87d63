import AsyncHTTPClient
import EConnectClient
import EConnectWire
import EInvoice
import Foundation
import HTTPTypes
import HardenedXML
import Hummingbird
import Logging
import Platform
import PlatformServer
import PlatformTestSupport
import ServiceLifecycle
import Synchronization
import Testing

@Suite("EConnectClient against the real platform over loopback HTTP", .timeLimit(.minutes(10)))
struct EConnectClientTests {
    @Test("Send, list every page, read, set the status, see it in the outbox — on v3 and v3.1")
    func cycle() async throws {
        let platform = try await LivePlatform()
        try await platform.run { url in
            for version in APIVersion.allCases {
                let supplier = LivePlatform.client(url, platform.supplier, version: version)
                let customer = LivePlatform.client(url, platform.customer, version: version)
                var sent: [String] = []
                for number in 0..<25 {
                    sent.append(try await supplier.send(try LivePlatform.invoice("F-\(version.rawValue)-\(number)")))
                }
                var pages: [[WireDocument]] = []
                for try await page in customer.allDocuments(in: .inbox, pageSize: 10) { pages.append(page) }
                let listed = pages.flatMap { $0 }.map(\.externalID)
                #expect(Set(listed).isSuperset(of: sent))
                #expect(listed.count == Set(listed).count, "no document twice")
                #expect(pages.allSatisfy { $0.count <= 10 })

                let (document, payload, statuses) = try await customer.document(in: .inbox, externalID: sent[3])
                #expect(document.sender.partyID == "XCNL10001")
                #expect(try UBLReader().read(Array(payload.utf8)).id == "F-\(version.rawValue)-3")
                #expect(statuses.map(\.code) == ["10", "20", "30", "40", "50"])
                try await customer.setInboxStatus(externalID: sent[3], code: "30")
                let (status, info) = try await supplier.status(in: .outbox, externalID: sent[3])
                #expect(status.code == "30")
                #expect(info.accountName == "min")
                #expect(try await supplier.accountParties().map(\.econnectPartyID) == ["XCNL10001"])
            }
        }
    }

    @Test("An expired token is renewed by logging in again, without the caller noticing")
    func reLoginAfterExpiry() async throws {
        let platform = try await LivePlatform()
        try await platform.run { url in
            let client = LivePlatform.client(url, platform.supplier)
            let first = try await client.login()
            platform.clock.advance(5 * 3600)
            #expect(try await client.accountDetails().name == "lev")
            #expect(try await client.login() != first)
        }
    }

    @Test("Many calls at once on a client without a token log in once: the throttle counts each login in flight")
    func concurrentCallsShareOneLogin() async throws {
        let platform = try await LivePlatform()
        try await platform.run { url in
            let client = LivePlatform.client(url, platform.supplier)
            // More than the throttle's five attempts per key and address at a time.
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<12 { group.addTask { try await client.accountDetails().name } }
                for try await name in group { #expect(name == "lev") }
            }
            // And after the token expired, the calls that find it so share one login again.
            platform.clock.advance(5 * 3600)
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<12 { group.addTask { try await client.accountDetails().name } }
                for try await name in group { #expect(name == "lev") }
            }
        }
    }

    @Test("A revoked key is an error with the platform's code, after one attempt to log in again")
    func revokedKey() async throws {
        let platform = try await LivePlatform()
        try await platform.run { url in
            let client = LivePlatform.client(url, platform.supplier)
            _ = try await client.accountDetails()
            try await platform.service.revokeConnectionKey(appKey: platform.supplier.appKey)
            do {
                _ = try await client.accountDetails()
                Issue.record("a revoked key still works")
            } catch let error as EConnectError {
                #expect(error.code.rawValue == "ERRIAU6000007")
            }
        }
    }

    @Test("A refused document comes back as a typed fault naming the rules")
    func validationFault() async throws {
        let platform = try await LivePlatform()
        try await platform.run { url in
            var request = try LivePlatform.invoice("F-BAD")
            // No buyer reference and no order reference: BR-NL-2.
            request.payload = request.payload
                .replacingOccurrences(of: "<cbc:BuyerReference>4500012345</cbc:BuyerReference>", with: "")
                .replacingOccurrences(
                    of: "<cac:OrderReference>\\s*<cbc:ID>4500012345</cbc:ID>\\s*</cac:OrderReference>", with: "",
                    options: .regularExpression)
            do {
                _ = try await LivePlatform.client(url, platform.supplier).send(request)
                Issue.record("an invalid document was accepted")
            } catch let error as EConnectError {
                #expect(error.code.rawValue == "ERRXSL4000001")
                #expect(error.message.contains("BR-NL-2"))
            }
        }
    }

    @Test("No platform listening: retried with back-off, then a client.unreachable error")
    func unreachable() async throws {
        // Bound and never listening: refused, and no other test's server can take it meanwhile.
        let closed = try RefusingPort()
        defer { withExtendedLifetime(closed) {} }
        let client = EConnectClient(
            configuration: .init(
                url: URL(string: "http://127.0.0.1:\(closed.port)")!, appKey: "k", secret: "s",
                retry: .init(maxAttempts: 3, initialDelay: .milliseconds(100))))
        let start = ContinuousClock.now
        do {
            try await client.login()
            Issue.record("logged in to nothing")
        } catch {
            #expect(error.code == .unreachable)
            #expect(error.message.contains("nothing answers there (connection refused)"), "\(error)")
        }
        #expect(ContinuousClock.now - start >= .milliseconds(300), "waited 100 + 200 ms between the three attempts")
    }

    @Test("A host name that does not resolve is named as such, from the transport's error type")
    func unknownHost() async throws {
        let client = EConnectClient(
            configuration: .init(
                url: URL(string: "http://efactuur-no-such-host.invalid:8080")!, appKey: "k", secret: "s",
                retry: .init(maxAttempts: 1, initialDelay: .milliseconds(10))))
        do {
            try await client.login()
            Issue.record("logged in to nothing")
        } catch {
            #expect(error.code == .unreachable)
            #expect(error.message.hasSuffix("the host name is not known"), "\(error)")
        }
    }

    @Test("5xx without a fault and the busy fault (503) are retried; every request goes with Content-Length, never chunked")
    func retriesOverloadedServer() async throws {
        let seen = Mutex<[HTTPFields]>([])
        let router = Router()
        router.post("/soap/v3.1") { request, _ -> Response in
            let attempt = seen.withLock {
                $0.append(request.headers)
                return $0.count
            }
            // First a bare 503, then the platform's own "busy" fault (503 too): both are retried.
            if attempt == 1 { return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "busy"))) }
            if attempt == 2 {
                let busy = Envelope.fault(.serverBusy, version: .v3_1)
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: busy)))
            }
            let body = Envelope.response(.login(securityToken: "T"), operation: .login, version: .v3_1)
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let token = try await serving({ listening in
            Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { await listening($0.localAddress!.port!) })
        }) { url in
            try await EConnectClient(
                configuration: .init(url: url, appKey: "k", secret: "s", retry: .init(maxAttempts: 4, initialDelay: .milliseconds(10)))
            ).login()
        }
        #expect(token == "T")
        let headers = seen.withLock { $0 }
        #expect(headers.count == 3)
        for fields in headers {
            #expect(fields[.contentLength] != nil)
            #expect(fields[.transferEncoding] == nil)
            #expect(fields[HTTPField.Name("SOAPAction")!] == "\"http://api.everbinding.nl/v3_1/Login\"")
        }
    }
}
