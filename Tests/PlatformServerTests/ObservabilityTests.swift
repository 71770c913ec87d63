import EConnectWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Platform
import Synchronization
import Testing

@testable import PlatformServer

/// What an operator sees: `/metrics` in Prometheus' format with the SOAP operation and the
/// fault code, and one log line per request with the id the caller was given.
@Suite("Metrics and request logs")
struct ObservabilityTests {
    /// The value of one sample line of the exposition, 0 when it is not there yet.
    static func sample(_ exposition: String, _ name: String) -> Double {
        for line in exposition.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ").last!) ?? .nan
        }
        return 0
    }

    static func metrics(_ client: any TestClientProtocol) async throws -> String {
        let response = try await client.execute(uri: "/metrics", method: .get, headers: [:], body: nil)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        return String(buffer: response.body)
    }

    @Test("Requests per operation, faults per code, documents per route, validation and commit times")
    func metricsAndLogs() async throws {
        let fixture = try await PlatformFixture.make()
        let logs = CapturedLog()
        try await fixture.withServer(logger: logs.logger) { soap in
            let before = try await Self.metrics(soap.client)
            let wrongSecret = "not-the-secret-\(UUID().uuidString)"
            let refused = try await soap.call(
                "Login", "<ConsumerKey>\(fixture.supplier.appKey)</ConsumerKey><ConsumerSecret>\(wrongSecret)</ConsumerSecret>")
            #expect(refused.fault?.code == "ERRIAU6000007")
            let token = try await soap.login(fixture.supplier)
            let sent = try await soap.send(
                PlatformFixture.invoice(number: "F-METRICS"), via: fixture.supplier.partyID, to: fixture.customer.partyID, token: token)
            #expect(sent.status == 200)
            let after = try await Self.metrics(soap.client)

            // Other tests in this process count too: the figures only grow by at least ours.
            func grew(_ name: String, by amount: Double = 1) {
                #expect(Self.sample(after, name) - Self.sample(before, name) >= amount, "\(name)")
            }
            grew(#"efactuur_requests_total{api="soap-v3.1",operation="Login",status="500"}"#)
            grew(#"efactuur_requests_total{api="soap-v3.1",operation="Login",status="200"}"#)
            grew(#"efactuur_requests_total{api="soap-v3.1",operation="SendDocument",status="200"}"#)
            grew(#"efactuur_faults_total{code="ERRIAU6000007"}"#)
            grew(#"efactuur_documents_stored_total{route="ToInbox"}"#)
            grew(#"efactuur_validation_duration_seconds_count"#)
            grew(#"efactuur_store_commit_duration_seconds_count"#)
            grew(#"efactuur_request_duration_seconds_count{api="soap-v3.1",operation="SendDocument"}"#)
            #expect(after.contains(#"efactuur_request_duration_seconds_bucket{api="soap-v3.1",operation="SendDocument",le="0.05"}"#))

            // The fault carries the request id; the log line for that request has it, with the
            // operation and the code, and no log line has the Secret or the token.
            let requestID = refused.body.children.first { $0.name == "detail" }?.children.first { $0.name == "RequestId" }?.text
            #expect(requestID?.count ?? 0 >= 8)
            let line = logs.all.first { $0.contains("requestId=\(requestID ?? "?")") }
            #expect(line?.contains("operation=Login") == true, "\(line ?? "no line")")
            #expect(line?.contains("fault=ERRIAU6000007") == true)
            #expect(line?.hasPrefix("info request ") == true)
            #expect(logs.all.filter { $0.hasPrefix("info request ") }.count >= 5)
            for line in logs.all {
                #expect(!line.contains(wrongSecret) && !line.contains(fixture.supplier.secret) && !line.contains(token), "\(line)")
            }
        }
    }

    @Test func theLogLineGivesMillisecondsWithTwoDecimals() {
        #expect(RequestLogMiddleware.milliseconds(.microseconds(12_345)) == "12.34")
        #expect(RequestLogMiddleware.milliseconds(.microseconds(50)) == "0.05")
        #expect(RequestLogMiddleware.milliseconds(.seconds(2)) == "2000.00")
    }
}
