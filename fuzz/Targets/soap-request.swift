import EConnectWire

/// Any bytes as a request to /soap/v3: a request or a fault, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    if let request = try? SOAPRequest.parse(bytes, soapAction: nil) {
        _ = Envelope.request(request.body, securityToken: request.securityToken, version: request.version)
    }
    return 0
}
