/// A device of the image, with its snapshot's size and monthly cost.
struct MappingRow {
    var device: String
    var snapshot: String
    var size: String
    var volumeType: String
    var encrypted: String
    var stored: String
    var billed: String
    var monthly: String
}
