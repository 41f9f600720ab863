// An array returned from its region's scope would read returned pages.
import ShardedHeap

func outlive() {
    let numbers: RegionArray<Int> = withRegion { region in
        RegionArray<Int>([1, 2, 3], in: region)
    }
    _ = numbers[0]
}
// expected-error: requires that 'RegionArray<Int>' conform to 'Escapable'
