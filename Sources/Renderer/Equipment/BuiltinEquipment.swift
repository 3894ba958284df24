/// The library of built-in parametric equipment models, for the demo and for devices that
/// have no model of their own.
///
/// Every model is in metres, Y up, stands on y = 0 and is centred on x = z = 0; its
/// overall size matches `DeviceBounds.size(of:)` for the same kind. Each mesh is built
/// once per process, on first use, and is deterministic.
package enum BuiltinEquipment: String, CaseIterable, Sendable {
    /// A CNC work centre: an enclosure with bevelled panels, sliding doors with window
    /// frames and handles, louvres, an inside table with T-slots, vise, spindle and tool
    /// magazine, a control cabinet with screen, keys, handwheel and emergency stop, a
    /// signal tower, a chip conveyor and an operator step. 4 × 2.5 × 3 m.
    case workCenter = "work_center"
    /// A six-axis industrial robot in its home pose on an anchored base plate: base,
    /// turntable, shoulder, upper arm, elbow, forearm, three-axis wrist, flange and a
    /// two-finger gripper, with axis motors, bolts and cable ducts. 1.5 × 2.2 × 1.5 m.
    case robotArm = "robot_arm"
    /// A belt conveyor: side rails, legs with feet and cross braces, a belt over finely
    /// segmented carrying and return rollers, end pulleys, a drive motor with gearbox and
    /// guard rails on posts. 6 × 1 × 1.2 m.
    case conveyor
    /// A pallet rack of two bays' width and three levels: perforated uprights, bracing,
    /// beams with connectors, wire decks, and pallets loaded with cartons. 3 × 4 × 2 m.
    case storage
    /// An automated guided vehicle: a chassis with rounded corners, bumpers, drive wheels
    /// with tyres and hubs, casters, a lidar on a mast, warning lights, emergency stops and
    /// a lift plate. 1.4 × 0.5 × 1 m.
    case agv

    /// The model's mesh (built on first use, then shared).
    package func mesh() -> Mesh {
        switch self {
        case .workCenter: Self.workCenterMesh
        case .robotArm: Self.robotArmMesh
        case .conveyor: Self.conveyorMesh
        case .storage: Self.storageMesh
        case .agv: Self.agvMesh
        }
    }

    /// Builds the model afresh (what `mesh()` caches).
    package func build() -> Mesh {
        var b = MeshBuilder()
        switch self {
        case .workCenter: Self.buildWorkCenter(&b)
        case .robotArm: Self.buildRobotArm(&b)
        case .conveyor: Self.buildConveyor(&b)
        case .storage: Self.buildStorage(&b)
        case .agv: Self.buildAGV(&b)
        }
        b.placeOnGround()
        return b.build()
    }

    private static let workCenterMesh = BuiltinEquipment.workCenter.build()
    private static let robotArmMesh = BuiltinEquipment.robotArm.build()
    private static let conveyorMesh = BuiltinEquipment.conveyor.build()
    private static let storageMesh = BuiltinEquipment.storage.build()
    private static let agvMesh = BuiltinEquipment.agv.build()
}
