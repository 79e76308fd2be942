export const metadata = {
  title: 'node-next-standalone',
  description: 'Minimal Next.js app with standalone output',
};

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
