/// One instance, its console output, and the create-image form.
struct InstanceView {
    var id: String
    var state: String
    var imageID: String
    var imageHref: String
    var instanceType: String
    var zone: String
    var privateAddress: String
    var publicAddress: String
    var launched: String
    var devices: [DeviceRow]
    var canStop: Bool
    var canStart: Bool
    var canTerminate: Bool
    var canCreateImage: Bool
    var live: Bool
    var output: String
    var outputAt: String
}
