// Compiles the Go module of dist/go (npx projen package:go) against the minimum aws-cdk-go and
// constructs-go it requires: go.mod selects aws-cdk-go v2.93.0, the peer-dependency minimum,
// and run.sh fails unless `go list -m` confirms that selection. The program is built, never run
// (running it would need the jsii runtime and Node.js; the consumers in consumers/ do that
// against the newest aws-cdk-go).
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-root-usage-alarm/cdk-root-usage-alarm-go/cdkrootusagealarm"
)

func main() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("GoMin"), nil)
	cdkrootusagealarm.NewRootUsageAlarm(stack, jsii.String("RootUsageAlarm"), &cdkrootusagealarm.RootUsageAlarmProps{
		EmailAddresses:   jsii.Strings("platform@example.com"),
		EvaluationWindow: awscdk.Duration_Minutes(jsii.Number(10)),
	})
	app.Synth(nil)
}
