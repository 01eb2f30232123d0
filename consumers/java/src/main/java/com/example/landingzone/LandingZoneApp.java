package com.example.landingzone;

import java.util.List;

import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/** The landing-zone security app, written as a Java user of cdk-root-usage-alarm writes it. */
public final class LandingZoneApp {
    private LandingZoneApp() {
    }

    public static void main(final String[] args) {
        App app = new App();

        new LandingZoneSecurityStack(app, "LandingZoneSecurity",
                StackProps.builder()
                        .description("Landing zone security: email on any use of a root user in the organization (CIS 4.3)")
                        .build(),
                List.of("security@example.com", "cloud-platform@example.com"));
        new LandingZoneSecurityStack(app, "LandingZoneSecurityEventNotifications",
                StackProps.builder()
                        .description("Landing zone security: email and a message per root session on any use of a root user (CIS 4.3)")
                        .build(),
                List.of("security@example.com", "cloud-platform@example.com"),
                true);

        new LandingZoneCisStack(app, "LandingZoneCis",
                StackProps.builder()
                        .description("Landing zone security: the CIS monitoring alarms (Security Hub CloudWatch.1 to .14 but .2)")
                        .build(),
                List.of("security@example.com", "cloud-platform@example.com"));

        new LandingZoneRealTimeStack(app, "LandingZoneRealTime",
                StackProps.builder()
                        .description("Landing zone security: root sign-ins and root use reported within seconds, organization-wide")
                        .build(),
                List.of("security@example.com", "cloud-platform@example.com"));

        app.synth();
    }
}
