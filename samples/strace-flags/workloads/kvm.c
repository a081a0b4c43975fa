/*
 * kvm.c - smallest possible KVM guest: real-mode code that writes one byte
 * to I/O port 0x3f8 and then halts. For `strace -e kvm=vcpu`, which prints
 * the exit reason of each KVM_RUN. Exits 0 quietly if /dev/kvm is missing.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    /* mov $0x3f8,%dx; mov $'A',%al; out %al,(%dx); hlt */
    const uint8_t code[] = {0xba, 0xf8, 0x03, 0xb0, 'A', 0xee, 0xf4};
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        return 0;
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    uint8_t *mem = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    memcpy(mem, code, sizeof code);
    struct kvm_userspace_memory_region region = {
        .slot = 0, .guest_phys_addr = 0x1000, .memory_size = 0x1000,
        .userspace_addr = (uint64_t)mem,
    };
    ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region);
    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    int size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, NULL);
    struct kvm_run *run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    struct kvm_sregs sregs;
    ioctl(vcpu, KVM_GET_SREGS, &sregs);
    sregs.cs.base = 0;
    sregs.cs.selector = 0;
    ioctl(vcpu, KVM_SET_SREGS, &sregs);
    struct kvm_regs regs = {.rip = 0x1000, .rflags = 0x2};
    ioctl(vcpu, KVM_SET_REGS, &regs);
    for (int i = 0; i < 4; i++) { /* bounded: io exit, then hlt exit */
        if (ioctl(vcpu, KVM_RUN, NULL) < 0)
            break;
        if (run->exit_reason == KVM_EXIT_HLT)
            break;
    }
    close(vcpu);
    close(vm);
    close(kvm);
    return 0;
}
