// Prints the Widget CRD as YAML, generated from its TypeBox definition: `npx node examples/widget-operator/print-crd.ts | kubectl apply -f -`.
import yaml from 'js-yaml';
import { Widgets } from './widget.ts';

process.stdout.write(yaml.dump(Widgets.manifest(), { noRefs: true }));
