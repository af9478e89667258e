package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/**
 * {@code kiln.distributed.host}: the launcher's default when null, any address of this machine
 * accepted, and one that is not (an unreachable tracker) or does not resolve refused as bad input
 * naming the key and this machine's addresses.
 */
class DistributedLaunchTest {

    private static Config host(String value) {
        return ConfigFactory.parseString("kiln.distributed.host = " + value);
    }

    @Test
    void nullTakesTheLaunchersDefaultAndLoopbackIsThisMachine() {
        assertThat(DistributedLaunch.host(host("null"), "127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(DistributedLaunch.host(host("localhost"), "unused")).isEqualTo("localhost");
    }

    @Test
    void anAddressOfAnotherMachineIsRefusedAsBadInput() {
        assertThatThrownBy(() -> DistributedLaunch.host(host("\"203.0.113.7\""), "127.0.0.1"))
                .isInstanceOfSatisfying(
                        CliFailure.class,
                        e -> assertThat(e.exitCode()).isEqualTo(CliFailure.BAD_INPUT))
                .hasMessageContaining(
                        "kiln.distributed.host: 203.0.113.7 is not an address of this machine, so"
                                + " the collective's tracker cannot listen there and would be"
                                + " unreachable for the workers; give one of this machine's"
                                + " addresses that the workers reach: ")
                .hasMessageContaining("127.0.0.1");
    }

    @Test
    void theLaunchersDefaultIsCheckedToo() {
        assertThatThrownBy(() -> DistributedLaunch.host(host("null"), "203.0.113.7"))
                .hasMessageStartingWith(
                        "kiln.distributed.host is null, and the launcher's default address"
                                + " 203.0.113.7 is not an address of this machine");
    }

    @Test
    void aHostThatDoesNotResolveIsRefused() {
        assertThatThrownBy(() -> DistributedLaunch.host(host("no-such-host.invalid"), "x"))
                .isInstanceOf(CliFailure.class)
                .hasMessageContaining(
                        "kiln.distributed.host: no-such-host.invalid is an unknown host, so the"
                                + " collective's tracker would be unreachable");
    }
}
