// Prints the Widget CRD as YAML, generated from its TypeBox definition: `npx node examples/widget-operator/print-crd.ts | kubectl apply -f -`.
import yaml from 'js-yaml';
import { widgetCRD } from './webhook-config.ts';

// Serves v1 only: main.ts installs the two-version CRD itself when it runs the conversion webhook (WEBHOOK_URL).
process.stdout.write(yaml.dump(widgetCRD(), { noRefs: true }));
