/** 500 Deployments of 20 lines (a 10,000-line manifest), one image each. */
export function deploymentsManifest(n = 500): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i += 1) {
    docs.push([
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: app${i}`, '  labels:', `    app: app${i}`, 'spec:', '  replicas: 2',
      '  selector:', '    matchLabels:', `      app: app${i}`, '  template:', '    metadata:', `      labels: {app: app${i}}`, '    spec:',
      '      containers:', '        - name: app', `          image: registry.example.com/team/app${i}:1.${i % 20}`, '          ports: [{containerPort: 8080}]',
    ].join('\n'));
  }
  return `${docs.join('\n---\n')}\n`;
}
